"""Several server processes as one system: which process holds each hearing (`placement`,
`redis_placement`), the hearings live in this process (`live_hearings`), and the messages and
commands that cross processes (`bus`)."""
