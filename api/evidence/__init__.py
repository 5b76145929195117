"""Dated evidence of plate-reader misuse, kept on contracts, agencies and campaigns."""
