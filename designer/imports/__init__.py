"""Definitions made from other tools' formats: plain JSON Schema and XLSForm."""
