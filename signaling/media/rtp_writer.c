/* RTP header writing: a subscriber's packets all share one header layout (fixed header, then its
 * extension block with the subscriber's ids); per packet only the fixed fields, abs-send-time and
 * the audio level change. HeaderWriter holds the layout packed once (in Python:
 * downtrack.header_writer) and writes header, payload and padding into one new bytes object.
 */
#include "rtp_writer.h"

#include <string.h>

static int
HeaderWriter_init(HeaderWriter *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"template", "abs_send_time", "audio_level", NULL};
    PyObject *template;
    Py_ssize_t abs_send_time, audio_level;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Snn", keywords, &template, &abs_send_time,
                                     &audio_level))
        return -1;
    Py_ssize_t size = PyBytes_GET_SIZE(template);
    if (size < 12 || abs_send_time < 0 || abs_send_time + 3 > size || audio_level < 0 ||
        audio_level + 1 > size || (abs_send_time && abs_send_time < 12) ||
        (audio_level && audio_level < 12)) {
        PyErr_SetString(PyExc_ValueError, "template too short or offsets outside it");
        return -1;
    }
    Py_INCREF(template);
    Py_XSETREF(self->template, template);
    self->abs_send_time = abs_send_time;
    self->audio_level = audio_level;
    return 0;
}

static void
HeaderWriter_dealloc(HeaderWriter *self)
{
    Py_CLEAR(self->template);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

int
unsigned_argument(PyObject *value, unsigned long *out)
{
    *out = PyLong_AsUnsignedLongMask(value);
    return (*out == (unsigned long)-1 && PyErr_Occurred()) ? -1 : 0;
}

const Vp8Rewrite NO_REWRITE = {-1, 0, 0, -1, 0};

/* The RTP packet in a new bytes object: the header from the writer's template, then the payload
 * (its VP8 fields rewritten as `rewrite` says) and the padding. */
PyObject *
write_packet(HeaderWriter *self, unsigned long second, unsigned long sequence,
             unsigned long timestamp, unsigned long ssrc, unsigned long abs_send_time, long level,
             PyObject *payload_object, Py_ssize_t padding, const Vp8Rewrite *rewrite)
{
    if (padding < 0 || padding > 255) {
        PyErr_SetString(PyExc_ValueError, "padding must be 0-255 bytes");
        return NULL;
    }
    Py_buffer payload;
    if (PyObject_GetBuffer(payload_object, &payload, PyBUF_SIMPLE) < 0)
        return NULL;
    if (rewrite->picture_id_at + (rewrite->picture_id_bits == 15 ? 2 : 1) > payload.len ||
        rewrite->tl0picidx_at >= payload.len) {
        PyBuffer_Release(&payload);
        PyErr_SetString(PyExc_ValueError, "VP8 field outside the payload");
        return NULL;
    }
    Py_ssize_t header_size = PyBytes_GET_SIZE(self->template);
    PyObject *packet = PyBytes_FromStringAndSize(NULL, header_size + payload.len + padding);
    if (packet == NULL) {
        PyBuffer_Release(&payload);
        return NULL;
    }
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(packet);
    memcpy(out, PyBytes_AS_STRING(self->template), (size_t)header_size);
    out[0] |= padding ? 0x20 : 0;
    out[1] = (unsigned char)second;
    out[2] = (unsigned char)(sequence >> 8);
    out[3] = (unsigned char)sequence;
    for (int i = 0; i < 4; i++) {
        out[4 + i] = (unsigned char)(timestamp >> (24 - 8 * i));
        out[8 + i] = (unsigned char)(ssrc >> (24 - 8 * i));
    }
    if (self->abs_send_time) {
        unsigned char *at = out + self->abs_send_time;
        at[0] = (unsigned char)(abs_send_time >> 16);
        at[1] = (unsigned char)(abs_send_time >> 8);
        at[2] = (unsigned char)abs_send_time;
    }
    if (self->audio_level && level >= 0)
        out[self->audio_level] = (unsigned char)level;
    unsigned char *body = out + header_size;
    memcpy(body, payload.buf, (size_t)payload.len);
    if (rewrite->picture_id_at >= 0) {
        unsigned char *at = body + rewrite->picture_id_at;
        if (rewrite->picture_id_bits == 15) {
            at[0] = (unsigned char)(0x80 | ((rewrite->picture_id >> 8) & 0x7F));
            at[1] = (unsigned char)rewrite->picture_id;
        } else {
            at[0] = (unsigned char)(rewrite->picture_id & 0x7F);
        }
    }
    if (rewrite->tl0picidx_at >= 0)
        body[rewrite->tl0picidx_at] = (unsigned char)rewrite->tl0picidx;
    if (padding) {
        memset(body + payload.len, 0, (size_t)padding - 1);
        body[payload.len + padding - 1] = (unsigned char)padding;
    }
    PyBuffer_Release(&payload);
    return packet;
}

/* packet(second, sequence, timestamp, ssrc, abs_send_time, audio_level, payload, padding) */
static PyObject *
HeaderWriter_packet(HeaderWriter *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "packet() takes 8 arguments");
        return NULL;
    }
    unsigned long second, sequence, timestamp, ssrc, abs_send_time;
    if (unsigned_argument(args[0], &second) || unsigned_argument(args[1], &sequence) ||
        unsigned_argument(args[2], &timestamp) || unsigned_argument(args[3], &ssrc) ||
        unsigned_argument(args[4], &abs_send_time))
        return NULL;
    long level = -1; /* None: the template's placeholder stays */
    if (args[5] != Py_None) {
        level = PyLong_AsLong(args[5]);
        if (level == -1 && PyErr_Occurred())
            return NULL;
    }
    Py_ssize_t padding = PyLong_AsSsize_t(args[7]);
    if (padding == -1 && PyErr_Occurred())
        return NULL;
    return write_packet(self, second, sequence, timestamp, ssrc, abs_send_time, level, args[6],
                        padding, &NO_REWRITE);
}

static PyMethodDef HeaderWriter_methods[] = {
    {"packet", (PyCFunction)(void (*)(void))HeaderWriter_packet, METH_FASTCALL,
     "packet(second, sequence, timestamp, ssrc, abs_send_time, audio_level, payload, padding)"
     " -> bytes: the RTP packet (audio_level None keeps the template's byte)."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject HeaderWriterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "signaling.media._rewrite.HeaderWriter",
    .tp_basicsize = sizeof(HeaderWriter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "HeaderWriter(template, abs_send_time, audio_level): writes RTP packets.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)HeaderWriter_init,
    .tp_dealloc = (destructor)HeaderWriter_dealloc,
    .tp_methods = HeaderWriter_methods,
};
