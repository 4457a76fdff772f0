"""Virtual courtroom server: app assembly, REST API, auth, database."""
