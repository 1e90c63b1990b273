"""Notifications: e-mail and DingTalk / WeCom / Feishu group robots, per company, audited."""
