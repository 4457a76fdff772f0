"""A hearing's record (docs/architecture.md#recording-and-archive): the recording service
(`service`, the recorders' life cycle; `live`, what it keeps of a hearing while it records) and
its parts (`rows` the database rows, `seal`, `render` the archive video, `recovery` what a dead
process left), the manifest (`manifest`), the space kept for sealing (`reserve`), the files on
disk (`files`) and the stored record as the server finds it (`archive`)."""
