"""Appraisal plans (考核方案): positions and regions they cover, revisions, delegated admins."""
