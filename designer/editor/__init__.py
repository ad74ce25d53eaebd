"""The procedure editor: operations on a draft definition, its panes, the workflow editor, publishing."""
