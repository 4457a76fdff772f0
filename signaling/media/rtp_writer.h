/* RTP packet writing (rtp_writer.c), shared by the C parts that write packets (_rewrite.c). */
#ifndef RTP_WRITER_H
#define RTP_WRITER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject_HEAD
    PyObject *template;        /* bytes: first byte (V=2, X) and extension block as packed */
    Py_ssize_t abs_send_time;  /* offset of its 3 bytes in the header, 0: none */
    Py_ssize_t audio_level;    /* offset of its byte in the header, 0: none */
} HeaderWriter;

extern PyTypeObject HeaderWriterType;

/* Where a packet's VP8 picture id and TL0PICIDX are written over the payload's (offsets in
 * the payload; a negative value: left as it is). */
typedef struct {
    Py_ssize_t picture_id_at;
    int picture_id_bits; /* 7 or 15 */
    long picture_id;
    Py_ssize_t tl0picidx_at;
    long tl0picidx;
} Vp8Rewrite;

extern const Vp8Rewrite NO_REWRITE;

/* The RTP packet in a new bytes object: the header from the writer's template, then the payload
 * (its VP8 fields rewritten as `rewrite` says) and the padding. */
PyObject *write_packet(HeaderWriter *self, unsigned long second, unsigned long sequence,
                       unsigned long timestamp, unsigned long ssrc, unsigned long abs_send_time,
                       long level, PyObject *payload_object, Py_ssize_t padding,
                       const Vp8Rewrite *rewrite);

/* `value` as an unsigned long, its low bits (Python's `& mask`); -1 with an exception set. */
int unsigned_argument(PyObject *value, unsigned long *out);

#endif
