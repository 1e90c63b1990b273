"""Fact store and data intake: files, CRM/project-tool connectors, REST and webhooks."""
