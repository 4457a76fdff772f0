/* A downtrack's per-packet rewrite in C (Rewriter): the segment's offsets from its source, new
 * numbers, the VP8 picture id and TL0PICIDX, and the packet written (rtp_writer.c). The packet
 * then goes to _fastpath.c's Srtp. Used from one thread (the event loop's).
 */
#include "rtp_writer.h"
#include <structmember.h>

#include <math.h>
#include <stddef.h>
#include <string.h>

/* ---- A downtrack's rewrite --------------------------------------------------------------
 *
 * Rewriter holds what downtrack.DownTrack keeps of a subscriber's stream (the segment's
 * offsets from its source, the newest packet sent) and forwards a source packet in one call:
 * the segment check, the new numbers, the VP8 picture id and TL0PICIDX, and the packet written
 * by the downtrack's HeaderWriter. Its fields are the DownTrack's state, read and written from
 * Python too (retransmissions, padding, a switch of source); -1 stands for None.
 */

#define MAX_SEGMENT 0x4000 /* sequence numbers past which a segment is old enough that late
                            * packets cannot precede it */

typedef struct {
    PyObject_HEAD
    HeaderWriter *header;            /* for packets without an audio level */
    HeaderWriter *header_with_level; /* for packets with one */
    unsigned int ssrc;
    int payload_type;
    int clock_rate;
    char wait_for_keyframe;
    char waiting;
    char started;
    long long source_ssrc; /* -1: none yet */
    int last_sequence;
    unsigned int last_timestamp;
    double last_time;
    int last_picture_id; /* -1: none */
    int last_tl0picidx;  /* -1: none */
    int source_highest;
    int segment_length;
    int sequence_offset;
    unsigned int timestamp_offset;
    int picture_id_offset;
    int tl0picidx_offset;
} Rewriter;

/* the attributes forward reads of a packet (packet.SourcePacket, vp8.Vp8Descriptor) */
#define PACKET_FIELDS(X)                                                                      \
    X(ssrc) X(sequence_number) X(timestamp) X(marker) X(payload) X(padding_size) X(audio_level) \
    X(vp8) X(keyframe) X(picture_id) X(picture_id_bits) X(picture_id_offset) X(tl0picidx)     \
    X(tl0picidx_offset)
#define DECLARE_NAME(field) static PyObject *field##_name;
PACKET_FIELDS(DECLARE_NAME)

static int
Rewriter_init(Rewriter *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"header", "header_with_level", "ssrc", "payload_type",
                               "clock_rate", "wait_for_keyframe", "initial_sequence",
                               "initial_timestamp", NULL};
    PyObject *header, *header_with_level;
    unsigned int ssrc, initial_timestamp;
    int payload_type, clock_rate, wait_for_keyframe, initial_sequence;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!IiipiI", keywords, &HeaderWriterType,
                                     &header, &HeaderWriterType, &header_with_level, &ssrc,
                                     &payload_type, &clock_rate, &wait_for_keyframe,
                                     &initial_sequence, &initial_timestamp))
        return -1;
    if (payload_type < 0 || payload_type > 127 || clock_rate <= 0) {
        PyErr_SetString(PyExc_ValueError, "payload type or clock rate out of range");
        return -1;
    }
    Py_INCREF(header);
    Py_XSETREF(self->header, (HeaderWriter *)header);
    Py_INCREF(header_with_level);
    Py_XSETREF(self->header_with_level, (HeaderWriter *)header_with_level);
    memset(&self->ssrc, 0, sizeof *self - offsetof(Rewriter, ssrc)); /* all but the writers */
    self->ssrc = ssrc;
    self->payload_type = payload_type;
    self->clock_rate = clock_rate;
    self->wait_for_keyframe = (char)wait_for_keyframe;
    self->waiting = 1;
    self->source_ssrc = -1;
    self->last_sequence = (initial_sequence - 1) & 0xFFFF;
    self->last_timestamp = initial_timestamp;
    self->last_picture_id = -1;
    self->last_tl0picidx = -1;
    return 0;
}

static void
Rewriter_dealloc(Rewriter *self)
{
    Py_CLEAR(self->header);
    Py_CLEAR(self->header_with_level);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* An int attribute of `object` (None: -1), or -2 with an exception set. */
static long
int_attribute(PyObject *object, PyObject *name)
{
    PyObject *value = PyObject_GetAttr(object, name);
    if (value == NULL)
        return -2;
    long result = -1;
    if (value != Py_None) {
        result = PyLong_AsLong(value);
        if (result == -1 && PyErr_Occurred())
            result = -2;
        else if (result < 0) {
            PyErr_SetString(PyExc_ValueError, "negative packet field");
            result = -2;
        }
    }
    Py_DECREF(value);
    return result;
}

/* A bool attribute of `object`, or -1 with an exception set. */
static int
bool_attribute(PyObject *object, PyObject *name)
{
    PyObject *value = PyObject_GetAttr(object, name);
    if (value == NULL)
        return -1;
    int result = PyObject_IsTrue(value);
    Py_DECREF(value);
    return result;
}

/* What forward reads of a packet's VP8 descriptor (all -1 without one). */
typedef struct {
    int keyframe;
    long picture_id, picture_id_bits, picture_id_offset, tl0picidx, tl0picidx_offset;
} Vp8Fields;

static int
read_vp8(PyObject *vp8, Vp8Fields *out)
{
    *out = (Vp8Fields){0, -1, -1, -1, -1, -1};
    if (vp8 == Py_None)
        return 0;
    if ((out->keyframe = bool_attribute(vp8, keyframe_name)) < 0 ||
        (out->picture_id = int_attribute(vp8, picture_id_name)) == -2 ||
        (out->picture_id_bits = int_attribute(vp8, picture_id_bits_name)) == -2 ||
        (out->picture_id_offset = int_attribute(vp8, picture_id_offset_name)) == -2 ||
        (out->tl0picidx = int_attribute(vp8, tl0picidx_name)) == -2 ||
        (out->tl0picidx_offset = int_attribute(vp8, tl0picidx_offset_name)) == -2)
        return -1;
    return 0;
}

/* A new segment at `packet` (of `ssrc`): it follows the newest packet sent, its sequence number
 * the next, its timestamp later by the wall-clock time since (at least one tick), and its VP8
 * picture id and TL0PICIDX the next ones. */
static void
start_segment(Rewriter *self, long long ssrc, long sequence_number, long timestamp,
              const Vp8Fields *vp8, double now)
{
    int sequence = (self->last_sequence + 1) & 0xFFFF;
    unsigned int start = self->last_timestamp;
    int picture_id_offset = 0, tl0picidx_offset = 0;
    if (self->started) {
        /* Python's round(): half to even, as nearbyint in the default rounding mode */
        double ticks = nearbyint((now - self->last_time) * self->clock_rate);
        if (!(ticks >= 1.0))
            ticks = 1.0;
        start += (unsigned int)fmod(ticks, 4294967296.0);
        if (vp8->picture_id >= 0 && self->last_picture_id >= 0)
            picture_id_offset = (int)((self->last_picture_id + 1 - vp8->picture_id) & 0x7FFF);
        if (vp8->tl0picidx >= 0 && self->last_tl0picidx >= 0)
            tl0picidx_offset = (int)((self->last_tl0picidx + 1 - vp8->tl0picidx) & 0xFF);
    }
    self->sequence_offset = (int)((sequence - sequence_number) & 0xFFFF);
    self->timestamp_offset = (unsigned int)(start - timestamp);
    self->picture_id_offset = picture_id_offset;
    self->tl0picidx_offset = tl0picidx_offset;
    self->source_ssrc = ssrc;
    self->source_highest = (int)sequence_number;
    self->segment_length = 1;
    self->waiting = 0;
    self->started = 1;
}

/* forward(packet, now, abs_send_time): downtrack.DownTrack.forward */
static PyObject *
Rewriter_forward(Rewriter *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "forward() takes 3 arguments");
        return NULL;
    }
    PyObject *packet = args[0];
    double now = PyFloat_AsDouble(args[1]);
    if (now == -1.0 && PyErr_Occurred())
        return NULL;
    unsigned long abs_send_time;
    if (unsigned_argument(args[2], &abs_send_time))
        return NULL;
    long ssrc_value = int_attribute(packet, ssrc_name);
    long sequence_number = int_attribute(packet, sequence_number_name);
    if (ssrc_value == -2 || sequence_number == -2)
        return NULL;
    long long ssrc = ssrc_value;
    PyObject *vp8_object = PyObject_GetAttr(packet, vp8_name);
    if (vp8_object == NULL)
        return NULL;
    Vp8Fields vp8;
    int failed = read_vp8(vp8_object, &vp8);
    Py_DECREF(vp8_object);
    if (failed)
        return NULL;
    long timestamp = int_attribute(packet, timestamp_name);
    if (timestamp == -2)
        return NULL;
    sequence_number &= 0xFFFF;

    if (ssrc != self->source_ssrc)
        self->waiting = 1;
    int newest = 1;
    if (self->waiting) {
        if (self->wait_for_keyframe && !vp8.keyframe)
            Py_RETURN_NONE;
        start_segment(self, ssrc, sequence_number, timestamp, &vp8, now);
    } else {
        int delta = (int)(((sequence_number - self->source_highest + 0x8000) & 0xFFFF)) - 0x8000;
        if (delta > 0) {
            self->source_highest = (int)sequence_number;
            self->segment_length += delta;
            if (self->segment_length > MAX_SEGMENT)
                self->segment_length = MAX_SEGMENT;
        } else if (-delta >= self->segment_length) {
            Py_RETURN_NONE;
        } else {
            newest = 0;
        }
    }
    unsigned long sequence = (unsigned long)((sequence_number + self->sequence_offset) & 0xFFFF);
    unsigned int out_timestamp = (unsigned int)(timestamp + self->timestamp_offset);
    Vp8Rewrite rewrite = NO_REWRITE;
    if (vp8.picture_id >= 0) {
        long picture_id = (vp8.picture_id + self->picture_id_offset) & 0x7FFF;
        if (newest)
            self->last_picture_id = (int)picture_id;
        rewrite.picture_id = picture_id;
        rewrite.picture_id_bits = (int)vp8.picture_id_bits;
        rewrite.picture_id_at = vp8.picture_id_offset;
    }
    if (vp8.tl0picidx >= 0) {
        long tl0picidx = (vp8.tl0picidx + self->tl0picidx_offset) & 0xFF;
        if (newest)
            self->last_tl0picidx = (int)tl0picidx;
        rewrite.tl0picidx = tl0picidx;
        rewrite.tl0picidx_at = vp8.tl0picidx_offset;
    }
    if (self->picture_id_offset == 0 && self->tl0picidx_offset == 0)
        rewrite = NO_REWRITE; /* the same values */
    if (newest) {
        self->last_sequence = (int)sequence;
        self->last_timestamp = out_timestamp;
        self->last_time = now;
    }

    int marked = bool_attribute(packet, marker_name);
    long padding = int_attribute(packet, padding_size_name);
    if (marked < 0 || padding == -2)
        return NULL;
    PyObject *level_object = PyObject_GetAttr(packet, audio_level_name);
    if (level_object == NULL)
        return NULL;
    long level = -1;
    HeaderWriter *writer = self->header;
    if (level_object != Py_None) {
        int voice;
        long value;
        if (!PyArg_ParseTuple(level_object, "pl", &voice, &value)) {
            Py_DECREF(level_object);
            return NULL;
        }
        level = (voice ? 0x80 : 0) | (value & 0x7F);
        writer = self->header_with_level;
    }
    Py_DECREF(level_object);
    PyObject *payload = PyObject_GetAttr(packet, payload_name);
    if (payload == NULL)
        return NULL;
    unsigned long second = (marked ? 0x80 : 0) | (unsigned long)self->payload_type;
    PyObject *written = write_packet(writer, second, sequence, out_timestamp, self->ssrc,
                                     abs_send_time, level, payload, padding < 0 ? 0 : padding,
                                     &rewrite);
    Py_DECREF(payload);
    return written;
}

static PyMethodDef Rewriter_methods[] = {
    {"forward", (PyCFunction)(void (*)(void))Rewriter_forward, METH_FASTCALL,
     "forward(packet, now, abs_send_time) -> bytes | None: the packet as the subscriber must"
     " receive it, or None to skip it (see downtrack.DownTrack.forward)."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Rewriter_members[] = {
    {"ssrc", T_UINT, offsetof(Rewriter, ssrc), READONLY, NULL},
    {"payload_type", T_INT, offsetof(Rewriter, payload_type), READONLY, NULL},
    {"header", T_OBJECT_EX, offsetof(Rewriter, header), READONLY, NULL},
    {"header_with_level", T_OBJECT_EX, offsetof(Rewriter, header_with_level), READONLY, NULL},
    {"waiting", T_BOOL, offsetof(Rewriter, waiting), 0, NULL},
    {"started", T_BOOL, offsetof(Rewriter, started), READONLY, NULL},
    {"source_ssrc", T_LONGLONG, offsetof(Rewriter, source_ssrc), READONLY, NULL},
    {"last_sequence", T_INT, offsetof(Rewriter, last_sequence), READONLY, NULL},
    {"last_timestamp", T_UINT, offsetof(Rewriter, last_timestamp), READONLY, NULL},
    {"segment_length", T_INT, offsetof(Rewriter, segment_length), READONLY, NULL},
    {"sequence_offset", T_INT, offsetof(Rewriter, sequence_offset), READONLY, NULL},
    {"timestamp_offset", T_UINT, offsetof(Rewriter, timestamp_offset), READONLY, NULL},
    {"picture_id_offset", T_INT, offsetof(Rewriter, picture_id_offset), READONLY, NULL},
    {"tl0picidx_offset", T_INT, offsetof(Rewriter, tl0picidx_offset), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject RewriterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "signaling.media._rewrite.Rewriter",
    .tp_basicsize = sizeof(Rewriter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Rewriter(header, header_with_level, ssrc, payload_type, clock_rate,"
              " wait_for_keyframe, initial_sequence, initial_timestamp): a downtrack's rewrite.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Rewriter_init,
    .tp_dealloc = (destructor)Rewriter_dealloc,
    .tp_methods = Rewriter_methods,
    .tp_members = Rewriter_members,
};

static int
intern_names(void)
{
#define INTERN_NAME(field)                                                                    \
    if ((field##_name = PyUnicode_InternFromString(#field)) == NULL)                          \
        return -1;
    PACKET_FIELDS(INTERN_NAME)
    return 0;
}

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "signaling.media._rewrite",
    .m_doc = "A subscriber's RTP packets: header writing and a downtrack's per-packet rewrite.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__rewrite(void)
{
    if (PyType_Ready(&HeaderWriterType) < 0 || PyType_Ready(&RewriterType) < 0 ||
        intern_names() < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&HeaderWriterType);
    if (PyModule_AddObject(m, "HeaderWriter", (PyObject *)&HeaderWriterType) < 0) {
        Py_DECREF(&HeaderWriterType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&RewriterType);
    if (PyModule_AddObject(m, "Rewriter", (PyObject *)&RewriterType) < 0) {
        Py_DECREF(&RewriterType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
