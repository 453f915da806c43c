"""Text utilities shared by the policy matchers and the recognizers (pure, no spaCy).

``from gateway.text.normalize import Normalized, normalize``: the module is not
re-exported here, so that ``gateway.text.normalize`` stays the module.
"""
