/* The forwarder's per-packet SRTP in C: unprotect of what arrives, and for what is forwarded
 * (written by _rewrite.c), its SRTP protect and UDP send in one call (Srtp).
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

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "signaling.media._fastpath",
    .m_doc = "The forwarder's per-packet SRTP and UDP send.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__fastpath(void)
{
    if (PyType_Ready(&SrtpType) < 0)
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
    return m;
}
