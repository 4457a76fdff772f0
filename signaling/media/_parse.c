/* Parsing on the receive path, per packet: the RTP header and the few header extensions the
 * forwarder reads (rtp_parse.py), and the VP8 payload descriptor (vp8.py). The objects made
 * are the Python ones (aiortc's RtpPacket, vp8.Vp8Descriptor), passed in by the caller; only
 * the reading of the bytes is here. In Python the two took ~4-6 us and ~3.7 us a packet, a
 * fair part of the forwarder's own receive path. Malformed input raises ValueError with the
 * messages aiortc's parser uses.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#define FIXED_HEADER 12
#define ONE_BYTE_PROFILE 0xBEDE
#define TWO_BYTE_PROFILE 0x1000
#define WANTED 4 /* audio level, abs-send-time, rid, repaired rid (or the mid alone) */

typedef struct {
    const unsigned char *value; /* NULL: absent */
    Py_ssize_t length;
} Extension;

static PyObject *extensions_name, *audio_level_name, *abs_send_time_name, *rtp_stream_id_name,
    *repaired_rtp_stream_id_name, *csrc_name, *padding_size_name;

/* The values of the extensions `ids` (0: not wanted) in data[pos:end] (RFC 8285). Returns -1
 * with ValueError set if an element runs past the end. */
static int
extension_values(const unsigned char *data, Py_ssize_t pos, Py_ssize_t end, int profile,
                 const long ids[WANTED], Extension found[WANTED])
{
    for (int i = 0; i < WANTED; i++)
        found[i].value = NULL;
    if (profile == ONE_BYTE_PROFILE) {
        while (pos < end) {
            unsigned char element = data[pos];
            if (element == 0) { /* padding */
                pos += 1;
                continue;
            }
            Py_ssize_t length = (element & 0x0F) + 1;
            if (pos + 1 + length > end) {
                PyErr_SetString(PyExc_ValueError,
                                "RTP one-byte header extension value is truncated");
                return -1;
            }
            for (int i = 0; i < WANTED; i++) {
                if (ids[i] && ids[i] == element >> 4) {
                    found[i].value = data + pos + 1;
                    found[i].length = length;
                    break;
                }
            }
            pos += 1 + length;
        }
    } else if (profile == TWO_BYTE_PROFILE) {
        while (pos < end) {
            if (data[pos] == 0) {
                pos += 1;
                continue;
            }
            if (pos + 2 > end) {
                PyErr_SetString(PyExc_ValueError, "RTP two-byte header extension is truncated");
                return -1;
            }
            unsigned char element = data[pos];
            Py_ssize_t length = data[pos + 1];
            if (pos + 2 + length > end) {
                PyErr_SetString(PyExc_ValueError,
                                "RTP two-byte header extension value is truncated");
                return -1;
            }
            for (int i = 0; length && i < WANTED; i++) {
                if (ids[i] && ids[i] == element) {
                    found[i].value = data + pos + 2;
                    found[i].length = length;
                    break;
                }
            }
            pos += 2 + length;
        }
    }
    return 0;
}

static long
read_id(PyObject *value)
{
    long id = PyLong_AsLong(value);
    if (id == -1 && PyErr_Occurred())
        return -1;
    if (id < 0) {
        PyErr_SetString(PyExc_ValueError, "an extension id is not negative");
        return -1;
    }
    return id > 255 ? 0 : id; /* no element carries it */
}

/* Set extensions.NAME to `value` (a new reference, stolen); -1 on error. */
static int
set_stolen(PyObject *target, PyObject *name, PyObject *value)
{
    if (value == NULL)
        return -1;
    int result = PyObject_SetAttr(target, name, value);
    Py_DECREF(value);
    return result;
}

static PyObject *
ascii(const Extension *found)
{
    return PyUnicode_DecodeASCII((const char *)found->value, found->length, "replace");
}

/* The wanted extensions set on the packet's `extensions`. */
static int
set_extensions(PyObject *packet, const Extension found[WANTED])
{
    PyObject *extensions = PyObject_GetAttr(packet, extensions_name);
    if (extensions == NULL)
        return -1;
    int result = 0;
    if (found[0].value != NULL) {
        unsigned char level = found[0].value[0];
        PyObject *pair = Py_BuildValue("(Oi)", level & 0x80 ? Py_True : Py_False, level & 0x7F);
        result = set_stolen(extensions, audio_level_name, pair);
    }
    if (result == 0 && found[1].value != NULL && found[1].length == 3) {
        const unsigned char *v = found[1].value;
        long sent = ((long)v[0] << 16) | ((long)v[1] << 8) | v[2];
        result = set_stolen(extensions, abs_send_time_name, PyLong_FromLong(sent));
    }
    if (result == 0 && found[2].value != NULL)
        result = set_stolen(extensions, rtp_stream_id_name, ascii(&found[2]));
    if (result == 0 && found[3].value != NULL)
        result = set_stolen(extensions, repaired_rtp_stream_id_name, ascii(&found[3]));
    Py_DECREF(extensions);
    return result;
}

/* rtp(packet_class, data, audio_level_id, abs_send_time_id, rid_id, repaired_rid_id) */
static PyObject *
parse_rtp(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "rtp() takes 6 arguments");
        return NULL;
    }
    PyObject *cls = args[0], *bytes = args[1];
    if (!PyBytes_Check(bytes)) {
        PyErr_SetString(PyExc_TypeError, "RTP data must be bytes");
        return NULL;
    }
    long ids[WANTED];
    int any = 0;
    for (int i = 0; i < WANTED; i++) {
        ids[i] = read_id(args[2 + i]);
        if (ids[i] < 0)
            return NULL;
        any |= ids[i] != 0;
    }
    const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(bytes);
    Py_ssize_t size = PyBytes_GET_SIZE(bytes);
    if (size < FIXED_HEADER) {
        PyErr_SetString(PyExc_ValueError, "RTP packet length is less than 12 bytes");
        return NULL;
    }
    if (data[0] >> 6 != 2) {
        PyErr_SetString(PyExc_ValueError, "RTP packet has invalid version");
        return NULL;
    }
    int csrc_count = data[0] & 0x0F;
    Py_ssize_t pos = FIXED_HEADER + 4 * csrc_count;
    if (size < pos) {
        PyErr_SetString(PyExc_ValueError, "RTP packet has truncated CSRC");
        return NULL;
    }
    Extension found[WANTED] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    if (data[0] & 0x10) {
        if (size < pos + 4) {
            PyErr_SetString(PyExc_ValueError, "RTP packet has truncated extension profile / length");
            return NULL;
        }
        int profile = (data[pos] << 8) | data[pos + 1];
        Py_ssize_t start = pos + 4;
        pos = start + 4 * ((data[pos + 2] << 8) | data[pos + 3]);
        if (size < pos) {
            PyErr_SetString(PyExc_ValueError, "RTP packet has truncated extension value");
            return NULL;
        }
        if (any && extension_values(data, start, pos, profile, ids, found) < 0)
            return NULL;
    }
    Py_ssize_t end = size, padding = 0;
    if (data[0] & 0x20) {
        padding = data[size - 1];
        if (!padding || padding > size - pos) {
            PyErr_SetString(PyExc_ValueError, "RTP packet padding length is invalid");
            return NULL;
        }
        end = size - padding;
    }
    PyObject *fields[6] = {NULL};
    fields[0] = PyLong_FromLong(data[1] & 0x7F);
    fields[1] = PyLong_FromLong(data[1] >> 7);
    fields[2] = PyLong_FromLong((data[2] << 8) | data[3]);
    fields[3] = PyLong_FromUnsignedLong(((uint32_t)data[4] << 24) | ((uint32_t)data[5] << 16) |
                                        ((uint32_t)data[6] << 8) | data[7]);
    fields[4] = PyLong_FromUnsignedLong(((uint32_t)data[8] << 24) | ((uint32_t)data[9] << 16) |
                                        ((uint32_t)data[10] << 8) | data[11]);
    fields[5] = PyBytes_FromStringAndSize((const char *)data + pos, end - pos);
    PyObject *packet = NULL;
    if (fields[0] && fields[1] && fields[2] && fields[3] && fields[4] && fields[5])
        packet = PyObject_Vectorcall(cls, fields, 6, NULL);
    for (int i = 0; i < 6; i++)
        Py_XDECREF(fields[i]);
    if (packet == NULL)
        return NULL;
    if (csrc_count) {
        PyObject *csrc = PyList_New(csrc_count);
        for (int i = 0; csrc != NULL && i < csrc_count; i++) {
            const unsigned char *c = data + FIXED_HEADER + 4 * i;
            PyObject *value = PyLong_FromUnsignedLong(
                ((uint32_t)c[0] << 24) | ((uint32_t)c[1] << 16) | ((uint32_t)c[2] << 8) | c[3]);
            if (value == NULL)
                Py_CLEAR(csrc);
            else
                PyList_SET_ITEM(csrc, i, value);
        }
        if (set_stolen(packet, csrc_name, csrc) < 0)
            goto fail;
    }
    if (padding && set_stolen(packet, padding_size_name, PyLong_FromSsize_t(padding)) < 0)
        goto fail;
    if (any && set_extensions(packet, found) < 0)
        goto fail;
    return packet;
fail:
    Py_DECREF(packet);
    return NULL;
}

/* mid(data, mid_id): the mid an RTP or SRTP packet carries, None if none or malformed. */
static PyObject *
header_mid(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "mid() takes bytes and an id");
        return NULL;
    }
    long ids[WANTED] = {read_id(args[1]), 0, 0, 0};
    if (ids[0] < 0)
        return NULL;
    const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t size = PyBytes_GET_SIZE(args[0]);
    if (!ids[0] || size < FIXED_HEADER || !(data[0] & 0x10))
        Py_RETURN_NONE;
    Py_ssize_t pos = FIXED_HEADER + 4 * (data[0] & 0x0F);
    if (size < pos + 4)
        Py_RETURN_NONE;
    int profile = (data[pos] << 8) | data[pos + 1];
    Py_ssize_t end = pos + 4 + 4 * ((data[pos + 2] << 8) | data[pos + 3]);
    if (size < end)
        Py_RETURN_NONE;
    Extension found[WANTED];
    if (extension_values(data, pos + 4, end, profile, ids, found) < 0) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (found[0].value == NULL)
        Py_RETURN_NONE;
    return ascii(&found[0]);
}

static PyObject *
optional(int present, long value)
{
    if (!present)
        Py_RETURN_NONE;
    return PyLong_FromLong(value);
}

/* vp8_descriptor(descriptor_class, payload): RFC 7741 section 4.2, as vp8.py describes. */
static PyObject *
vp8_descriptor(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "vp8_descriptor() takes a class and bytes");
        return NULL;
    }
    const unsigned char *payload = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t size = PyBytes_GET_SIZE(args[1]);
    if (size == 0) {
        PyErr_SetString(PyExc_ValueError, "empty VP8 payload");
        return NULL;
    }
    int start = (payload[0] & 0x10) != 0, partition_id = payload[0] & 0x0F;
    Py_ssize_t pos = 1;
    int has_picture_id = 0, picture_id = 0, bits = 0, picture_id_offset = 0;
    int has_tl0picidx = 0, tl0picidx = 0, tl0picidx_offset = 0;
    if (payload[0] & 0x80) {
        if (size < 2) {
            PyErr_SetString(PyExc_ValueError, "truncated VP8 extension byte");
            return NULL;
        }
        unsigned char ext = payload[1];
        pos = 2;
        if (ext & 0x80) {
            if (size < pos + 1) {
                PyErr_SetString(PyExc_ValueError, "truncated VP8 picture id");
                return NULL;
            }
            picture_id_offset = (int)pos;
            has_picture_id = 1;
            if (payload[pos] & 0x80) {
                if (size < pos + 2) {
                    PyErr_SetString(PyExc_ValueError, "truncated VP8 picture id");
                    return NULL;
                }
                picture_id = ((payload[pos] & 0x7F) << 8) | payload[pos + 1];
                bits = 15;
                pos += 2;
            } else {
                picture_id = payload[pos] & 0x7F;
                bits = 7;
                pos += 1;
            }
        }
        if (ext & 0x40) {
            if (size < pos + 1) {
                PyErr_SetString(PyExc_ValueError, "truncated VP8 TL0PICIDX");
                return NULL;
            }
            has_tl0picidx = 1;
            tl0picidx = payload[pos];
            tl0picidx_offset = (int)pos;
            pos += 1;
        }
        if (ext & 0x30)
            pos += 1;
    }
    if (size < pos) {
        PyErr_SetString(PyExc_ValueError, "truncated VP8 descriptor");
        return NULL;
    }
    int keyframe = start && partition_id == 0 && size > pos && (payload[pos] & 0x01) == 0;
    PyObject *fields[9] = {
        PyBool_FromLong(start),          PyLong_FromLong(partition_id),
        PyBool_FromLong(keyframe),       optional(has_picture_id, picture_id),
        PyLong_FromLong(bits),           PyLong_FromLong(picture_id_offset),
        optional(has_tl0picidx, tl0picidx), PyLong_FromLong(tl0picidx_offset),
        PyLong_FromSsize_t(pos),
    };
    PyObject *descriptor = NULL;
    int complete = 1;
    for (int i = 0; i < 9; i++)
        complete &= fields[i] != NULL;
    if (complete)
        descriptor = PyObject_Vectorcall(args[0], fields, 9, NULL);
    for (int i = 0; i < 9; i++)
        Py_XDECREF(fields[i]);
    return descriptor;
}

static PyMethodDef methods[] = {
    {"rtp", (PyCFunction)(void (*)(void))parse_rtp, METH_FASTCALL,
     "rtp(packet_class, data, audio_level_id, abs_send_time_id, rid_id, repaired_rid_id)"},
    {"mid", (PyCFunction)(void (*)(void))header_mid, METH_FASTCALL, "mid(data, mid_id)"},
    {"vp8_descriptor", (PyCFunction)(void (*)(void))vp8_descriptor, METH_FASTCALL,
     "vp8_descriptor(descriptor_class, payload)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "signaling.media._parse",
    .m_doc = "RTP and VP8 descriptor parsing (see _parse.c).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__parse(void)
{
#define INTERN(variable, text)                                                                \
    if ((variable = PyUnicode_InternFromString(text)) == NULL)                                \
        return NULL;
    INTERN(extensions_name, "extensions")
    INTERN(audio_level_name, "audio_level")
    INTERN(abs_send_time_name, "abs_send_time")
    INTERN(rtp_stream_id_name, "rtp_stream_id")
    INTERN(repaired_rtp_stream_id_name, "repaired_rtp_stream_id")
    INTERN(csrc_name, "csrc")
    INTERN(padding_size_name, "padding_size")
#undef INTERN
    return PyModule_Create(&module);
}
