"""PDFs: rendering behind a closed door, the renderer processes, receipts kept once made."""
