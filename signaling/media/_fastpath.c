/* The forwarder's per-packet work in C: SRTP unprotect of what arrives, and for what is
 * forwarded, writing the packet (HeaderWriter) and its SRTP protect and UDP send in one call
 * (Srtp).
 *
 * Per forwarded packet and subscriber, the Python way took a call into pylibsrtp's cffi
 * binding (two copies, a length pointer, a slice) and socket.sendto (which parses the
 * address tuple, dotted quad included, every time). This does the same work with the
 * address parsed once and no intermediate object unless the packet must be handed back.
 *
 * libsrtp is the one pylibsrtp links statically: the caller passes the address of one of its
 * transforms (srtp_protect, srtp_unprotect, srtp_protect_rtcp: one signature) and the
 * session's srtp_t, and keeps the session alive (`owner`). One Srtp is used from one thread
 * (the event loop's), as a pylibsrtp session is.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#define BUFFER_SIZE 1500 /* as pylibsrtp's session buffer */

static PyObject *fileno_name; /* "fileno", interned once: asked of the socket per packet */

/* libsrtp 2: srtp_err_status_t srtp_protect(srtp_t ctx, void *rtp_hdr, int *len_ptr), and
 * the same for srtp_unprotect and srtp_protect_rtcp */
typedef int (*srtp_transform_fn)(void *context, void *packet, int *length);

typedef struct {
    PyObject_HEAD
    srtp_transform_fn transform;
    void *context;
    PyObject *owner;  /* the pylibsrtp session that owns `context` */
    Py_ssize_t limit; /* longest packet taken (room left for a trailer protect adds) */
    PyObject *socket; /* the destination's socket.socket, or NULL */
    struct sockaddr_storage address;
    socklen_t address_length;
    unsigned long long bytes; /* of transformed packets since the last take_bytes() */
    unsigned char buffer[BUFFER_SIZE];
} Srtp;

static int
Srtp_init(Srtp *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"transform", "context", "owner", "max_trailer", NULL};
    unsigned long long transform, context;
    PyObject *owner;
    Py_ssize_t max_trailer;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "KKOn", keywords, &transform, &context,
                                     &owner, &max_trailer))
        return -1;
    if (!transform || !context) {
        PyErr_SetString(PyExc_ValueError, "transform and context must not be null");
        return -1;
    }
    if (max_trailer < 0 || max_trailer >= BUFFER_SIZE) {
        PyErr_SetString(PyExc_ValueError, "max_trailer out of range");
        return -1;
    }
    self->transform = (srtp_transform_fn)(uintptr_t)transform;
    self->context = (void *)(uintptr_t)context;
    Py_INCREF(owner);
    Py_XSETREF(self->owner, owner);
    self->limit = BUFFER_SIZE - max_trailer;
    return 0;
}

static int
Srtp_traverse(Srtp *self, visitproc visit, void *arg)
{
    Py_VISIT(self->owner);
    Py_VISIT(self->socket);
    return 0;
}

static int
Srtp_clear(Srtp *self)
{
    Py_CLEAR(self->owner);
    Py_CLEAR(self->socket);
    return 0;
}

static void
Srtp_dealloc(Srtp *self)
{
    PyObject_GC_UnTrack(self);
    Srtp_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Transform `data` into the buffer; the new length, or -1 with an exception set. */
static int
transform_into_buffer(Srtp *self, PyObject *data)
{
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0)
        return -1;
    if (view.len > self->limit) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "packet is too long");
        return -1;
    }
    int length = (int)view.len;
    memcpy(self->buffer, view.buf, (size_t)length);
    PyBuffer_Release(&view);
    int status = self->transform(self->context, self->buffer, &length);
    if (status != 0) {
        PyErr_Format(PyExc_ValueError, "SRTP transform failed (libsrtp status %d)", status);
        return -1;
    }
    self->bytes += (unsigned long long)length;
    return length;
}

static PyObject *
Srtp_transform(Srtp *self, PyObject *data)
{
    int length = transform_into_buffer(self, data);
    if (length < 0)
        return NULL;
    return PyBytes_FromStringAndSize((const char *)self->buffer, length);
}

static PyObject *
Srtp_connect(Srtp *self, PyObject *args)
{
    PyObject *sock;
    const char *host;
    int port;
    if (!PyArg_ParseTuple(args, "Osi", &sock, &host, &port))
        return NULL;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    int status = getaddrinfo(host, service, &hints, &found);
    if (status != 0 || found == NULL || found->ai_addrlen > sizeof self->address) {
        if (found != NULL)
            freeaddrinfo(found);
        PyErr_Format(PyExc_ValueError, "not a numeric address: %s port %d", host, port);
        return NULL;
    }
    memcpy(&self->address, found->ai_addr, found->ai_addrlen);
    self->address_length = found->ai_addrlen;
    freeaddrinfo(found);
    Py_INCREF(sock);
    Py_XSETREF(self->socket, sock);
    Py_RETURN_NONE;
}

/* Transform (protect) and send `data` to the connected destination. None once the kernel
 * took it; otherwise (no destination, socket closed, would block, any send error) the
 * packet, for the caller to hand to asyncio, which buffers, retries or reports. */
static PyObject *
Srtp_send(Srtp *self, PyObject *data)
{
    int length = transform_into_buffer(self, data);
    if (length < 0)
        return NULL;
    if (self->socket != NULL) {
        PyObject *fileno = PyObject_CallMethodNoArgs(self->socket, fileno_name);
        if (fileno == NULL)
            return NULL;
        long fd = PyLong_AsLong(fileno);
        Py_DECREF(fileno);
        if (fd == -1 && PyErr_Occurred())
            return NULL;
        if (fd >= 0) {
            ssize_t sent;
            Py_BEGIN_ALLOW_THREADS
            sent = sendto((int)fd, self->buffer, (size_t)length, 0,
                          (struct sockaddr *)&self->address, self->address_length);
            Py_END_ALLOW_THREADS
            if (sent == length)
                Py_RETURN_NONE;
        }
    }
    return PyBytes_FromStringAndSize((const char *)self->buffer, length);
}

static PyObject *
Srtp_take_bytes(Srtp *self, PyObject *Py_UNUSED(ignored))
{
    unsigned long long taken = self->bytes;
    self->bytes = 0;
    return PyLong_FromUnsignedLongLong(taken);
}

static PyMethodDef Srtp_methods[] = {
    {"transform", (PyCFunction)Srtp_transform, METH_O,
     "transform(data) -> bytes: the packet protected (or unprotected); ValueError if not."},
    {"connect", (PyCFunction)Srtp_connect, METH_VARARGS,
     "connect(sock, host, port): where `send` sends (numeric host; sock stays open)."},
    {"send", (PyCFunction)Srtp_send, METH_O,
     "send(data) -> bytes | None: transform and send; the transformed packet if not sent."},
    {"take_bytes", (PyCFunction)Srtp_take_bytes, METH_NOARGS,
     "take_bytes() -> int: bytes of packets transformed since the last call (for stats)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SrtpType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "signaling.media._fastpath.Srtp",
    .tp_basicsize = sizeof(Srtp),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Srtp(transform, context, owner, max_trailer): an SRTP transform, and UDP send.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Srtp_init,
    .tp_dealloc = (destructor)Srtp_dealloc,
    .tp_traverse = (traverseproc)Srtp_traverse,
    .tp_clear = (inquiry)Srtp_clear,
    .tp_methods = Srtp_methods,
};

/* ---- RTP header writing ------------------------------------------------------------------
 *
 * A downtrack's packets all share one header layout (fixed header, then its extension block
 * with the subscriber's ids); per packet only the fixed fields, abs-send-time and the audio
 * level change. HeaderWriter holds the layout packed once (in Python: downtrack.HeaderTemplate)
 * and writes header, payload and padding into one new bytes object.
 */

typedef struct {
    PyObject_HEAD
    PyObject *template;        /* bytes: first byte (V=2, X) and extension block as packed */
    Py_ssize_t abs_send_time;  /* offset of its 3 bytes in the header, 0: none */
    Py_ssize_t audio_level;    /* offset of its byte in the header, 0: none */
} HeaderWriter;

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

static int
unsigned_argument(PyObject *value, unsigned long *out)
{
    *out = PyLong_AsUnsignedLongMask(value);
    return (*out == (unsigned long)-1 && PyErr_Occurred()) ? -1 : 0;
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
    if (padding < 0 || padding > 255) {
        PyErr_SetString(PyExc_ValueError, "padding must be 0-255 bytes");
        return NULL;
    }
    Py_buffer payload;
    if (PyObject_GetBuffer(args[6], &payload, PyBUF_SIMPLE) < 0)
        return NULL;
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
    memcpy(out + header_size, payload.buf, (size_t)payload.len);
    PyBuffer_Release(&payload);
    if (padding) {
        memset(out + header_size + payload.len, 0, (size_t)padding - 1);
        out[header_size + payload.len + padding - 1] = (unsigned char)padding;
    }
    return packet;
}

static PyMethodDef HeaderWriter_methods[] = {
    {"packet", (PyCFunction)(void (*)(void))HeaderWriter_packet, METH_FASTCALL,
     "packet(second, sequence, timestamp, ssrc, abs_send_time, audio_level, payload, padding)"
     " -> bytes: the RTP packet (audio_level None keeps the template's byte)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject HeaderWriterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "signaling.media._fastpath.HeaderWriter",
    .tp_basicsize = sizeof(HeaderWriter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "HeaderWriter(template, abs_send_time, audio_level): writes RTP packets.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)HeaderWriter_init,
    .tp_dealloc = (destructor)HeaderWriter_dealloc,
    .tp_methods = HeaderWriter_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "signaling.media._fastpath",
    .m_doc = "The forwarder's per-packet work: SRTP, RTP packet writing and UDP send.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__fastpath(void)
{
    if (PyType_Ready(&SrtpType) < 0 || PyType_Ready(&HeaderWriterType) < 0)
        return NULL;
    fileno_name = PyUnicode_InternFromString("fileno");
    if (fileno_name == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&SrtpType);
    if (PyModule_AddObject(m, "Srtp", (PyObject *)&SrtpType) < 0) {
        Py_DECREF(&SrtpType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&HeaderWriterType);
    if (PyModule_AddObject(m, "HeaderWriter", (PyObject *)&HeaderWriterType) < 0) {
        Py_DECREF(&HeaderWriterType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
