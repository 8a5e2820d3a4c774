"""Who may do what: API keys per workspace with a role."""
