"""The court's domain: roles, hearing kinds and phases, the hearing state machine, the
permission table and the live protocol's payloads. It imports nothing of this project;
the browser's tables and protocol types are generated from it (``hearing_server.client_types``).
"""
