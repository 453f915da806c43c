"""The interaction log: records, group-committed writes, exports."""
