"""What every part of the product shares: settings, the error tree, API keys, persisted jobs,
bounded reading of users' YAML."""
