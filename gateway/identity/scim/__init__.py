"""SCIM 2.0 provisioning under ``/scim/v2`` (RFC 7643, RFC 7644): the company's directory
creates, updates and deprovisions people and their groups."""
