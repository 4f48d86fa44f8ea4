"""All Qt lives here: windows, pages, dialogs, table models, workers."""
