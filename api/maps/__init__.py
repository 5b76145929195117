"""Maps drawn on the server from the US outlines shipped with the app."""
