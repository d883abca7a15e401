"""Provisioning by SCIM 2.0: the company's directory creates, updates and deactivates people."""
