"""The journey-map domain: the map model and stage frameworks."""
