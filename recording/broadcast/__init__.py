"""The live public broadcast of a hearing (docs/architecture.md#public-broadcast): its
recording read as it grows, a delay behind (`feed`), drawn as the archive looks (`compose`),
encoded once into HLS (`hls`), frame by frame in real time (`broadcaster`). It knows nothing
of the court: what is shown of each moment, and who is who, come from its `Direction`."""
