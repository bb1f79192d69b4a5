"""The Faust app: topics, agents, tables and web views wired to the pure pipeline code."""
