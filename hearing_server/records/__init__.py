"""A hearing's record (docs/architecture.md#recording-and-archive): the recording service and
its parts (`service` the recorders of a live hearing, `rows` the database rows they write,
`seal`, `render`, `recovery`), the manifest, the reserve kept for sealing, the files on disk
and the stored archive as the server finds it."""
