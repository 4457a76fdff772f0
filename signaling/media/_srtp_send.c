/* SRTP protect and UDP send of one forwarded RTP packet, in one call.
 *
 * Per forwarded packet and subscriber, the Python way took a call into pylibsrtp's cffi
 * binding (two copies, a length pointer, a slice) and socket.sendto (which parses the
 * address tuple, dotted quad included, every time). This does the same work with the
 * address parsed once and no intermediate object unless the packet must be handed back.
 *
 * libsrtp is the one pylibsrtp links statically: the caller passes the address of its
 * srtp_protect and the session's srtp_t, and keeps the session alive (`owner`).
 * One SrtpSender is used from one thread (the event loop's), as a pylibsrtp session is.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#define BUFFER_SIZE 1500 /* as pylibsrtp's session buffer */

/* libsrtp 2: srtp_err_status_t srtp_protect(srtp_t ctx, void *rtp_hdr, int *len_ptr) */
typedef int (*srtp_protect_fn)(void *context, void *packet, int *length);

typedef struct {
    PyObject_HEAD
    srtp_protect_fn protect;
    void *context;
    PyObject *owner;  /* the pylibsrtp session that owns `context` */
    Py_ssize_t limit; /* longest packet before protection (room left for the trailer) */
    PyObject *socket; /* the destination's socket.socket, or NULL */
    struct sockaddr_storage address;
    socklen_t address_length;
    unsigned long long protected_bytes; /* since the last take_protected_bytes() */
    unsigned char buffer[BUFFER_SIZE];
} SrtpSender;

static int
SrtpSender_init(SrtpSender *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"protect", "context", "owner", "max_trailer", NULL};
    unsigned long long protect, context;
    PyObject *owner;
    Py_ssize_t max_trailer;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "KKOn", keywords, &protect, &context,
                                     &owner, &max_trailer))
        return -1;
    if (!protect || !context) {
        PyErr_SetString(PyExc_ValueError, "protect and context must not be null");
        return -1;
    }
    if (max_trailer < 0 || max_trailer >= BUFFER_SIZE) {
        PyErr_SetString(PyExc_ValueError, "max_trailer out of range");
        return -1;
    }
    self->protect = (srtp_protect_fn)(uintptr_t)protect;
    self->context = (void *)(uintptr_t)context;
    Py_INCREF(owner);
    Py_XSETREF(self->owner, owner);
    self->limit = BUFFER_SIZE - max_trailer;
    return 0;
}

static int
SrtpSender_traverse(SrtpSender *self, visitproc visit, void *arg)
{
    Py_VISIT(self->owner);
    Py_VISIT(self->socket);
    return 0;
}

static int
SrtpSender_clear(SrtpSender *self)
{
    Py_CLEAR(self->owner);
    Py_CLEAR(self->socket);
    return 0;
}

static void
SrtpSender_dealloc(SrtpSender *self)
{
    PyObject_GC_UnTrack(self);
    SrtpSender_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Protect `data` into the buffer; its protected length, or -1 with an exception set. */
static int
protect_into_buffer(SrtpSender *self, PyObject *data)
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
    if (self->protect(self->context, self->buffer, &length) != 0) {
        PyErr_SetString(PyExc_RuntimeError, "SRTP protect failed");
        return -1;
    }
    self->protected_bytes += (unsigned long long)length;
    return length;
}

static PyObject *
SrtpSender_protect(SrtpSender *self, PyObject *data)
{
    int length = protect_into_buffer(self, data);
    if (length < 0)
        return NULL;
    return PyBytes_FromStringAndSize((const char *)self->buffer, length);
}

static PyObject *
SrtpSender_connect(SrtpSender *self, PyObject *args)
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

/* Protect and send `data` to the connected destination. None once the kernel took it;
 * otherwise (no destination, socket closed, would block, any send error) the protected
 * packet, for the caller to hand to asyncio, which buffers, retries or reports. */
static PyObject *
SrtpSender_send(SrtpSender *self, PyObject *data)
{
    int length = protect_into_buffer(self, data);
    if (length < 0)
        return NULL;
    if (self->socket != NULL) {
        PyObject *fileno = PyObject_CallMethod(self->socket, "fileno", NULL);
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
SrtpSender_take_protected_bytes(SrtpSender *self, PyObject *Py_UNUSED(ignored))
{
    unsigned long long taken = self->protected_bytes;
    self->protected_bytes = 0;
    return PyLong_FromUnsignedLongLong(taken);
}

static PyMethodDef SrtpSender_methods[] = {
    {"protect", (PyCFunction)SrtpSender_protect, METH_O,
     "protect(data) -> bytes: the SRTP packet for the RTP packet `data`."},
    {"connect", (PyCFunction)SrtpSender_connect, METH_VARARGS,
     "connect(sock, host, port): where `send` sends (numeric host; sock stays open)."},
    {"send", (PyCFunction)SrtpSender_send, METH_O,
     "send(data) -> bytes | None: protect and send; the protected packet if not sent."},
    {"take_protected_bytes", (PyCFunction)SrtpSender_take_protected_bytes, METH_NOARGS,
     "take_protected_bytes() -> int: bytes protected since the last call (for stats)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SrtpSenderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "signaling.media._srtp_send.SrtpSender",
    .tp_basicsize = sizeof(SrtpSender),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "SrtpSender(protect, context, owner, max_trailer): SRTP protect + UDP send.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)SrtpSender_init,
    .tp_dealloc = (destructor)SrtpSender_dealloc,
    .tp_traverse = (traverseproc)SrtpSender_traverse,
    .tp_clear = (inquiry)SrtpSender_clear,
    .tp_methods = SrtpSender_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "signaling.media._srtp_send",
    .m_doc = "SRTP protect and UDP send of forwarded RTP packets.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__srtp_send(void)
{
    if (PyType_Ready(&SrtpSenderType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&SrtpSenderType);
    if (PyModule_AddObject(m, "SrtpSender", (PyObject *)&SrtpSenderType) < 0) {
        Py_DECREF(&SrtpSenderType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
