"""People and how they get in: company sign-in (OpenID Connect), SCIM provisioning, keys.

A person is who a key belongs to. The company's directory creates and updates people
(SCIM, or the first OpenID Connect sign-in), and maps its groups to a role and a department;
disabling a person ends every key they hold and every console session they have open.
"""
