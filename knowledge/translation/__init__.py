"""What a translation must honour: team glossaries and the translation memory."""
