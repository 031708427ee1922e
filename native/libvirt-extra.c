/*
 * libvirt-extra: the libvirt calls alkor needs that @unraid/libvirt 2.2.1
 * does not bind (src/host/hypervisor/libvirt-extra.ts loads this).
 *
 *   setMemory(uri, name, kib) -> Promise<void>   virDomainSetMemoryFlags(AFFECT_LIVE)
 *   reboot(uri, name)         -> Promise<void>   virDomainReboot(flags 0)
 *
 * Every call runs on the libuv thread pool (napi_async_work), so a slow or
 * hung libvirtd never blocks the event loop; it opens its own connection and
 * closes it before resolving. For test:///default that connection sees the
 * same driver state as any other connection of the process (libvirt's test
 * driver keeps one shared "default" instance while a connection is open).
 *
 * A rejection is an Error whose message is libvirt's (virGetLastErrorMessage)
 * with the numeric virErrorNumber in `libvirtCode`, e.g. 42 VIR_ERR_NO_DOMAIN.
 *
 * Built by scripts/build-native.sh into build/native/libvirt-extra.node.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#define NAPI_VERSION 8
#include <node_api.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdlib.h>
#include <string.h>

enum operation { OP_SET_MEMORY, OP_REBOOT };

struct call {
  enum operation op;
  char *uri;
  char *name;
  unsigned long kib;
  /* Filled on the pool thread, read in complete(). */
  int failed;
  int error_code;
  char *error_message;
  napi_deferred deferred;
  napi_async_work work;
};

/*
 * libvirt's default error handler prints every error to stderr; alkor
 * reports errors itself (as AlkorError sentences in its log), so the global
 * handler is silenced. virGetLastError* still sees every error. This is
 * process-wide: it quiets @unraid/libvirt's connections too.
 */
static void quiet_error_handler(void *user_data, virErrorPtr error) {
  (void)user_data;
  (void)error;
}

/* Runs on the calling pool thread: libvirt keeps the last error per thread. */
static void remember_error(struct call *call, const char *fallback) {
  call->failed = 1;
  call->error_code = virGetLastErrorCode();
  const char *message = virGetLastErrorMessage();
  /* virGetLastErrorMessage answers "no error" when libvirt recorded none. */
  if (call->error_code == VIR_ERR_OK || message == NULL) message = fallback;
  call->error_message = strdup(message);
}

static void execute(napi_env env, void *data) {
  (void)env;
  struct call *call = data;
  virConnectPtr conn = virConnectOpen(call->uri);
  if (conn == NULL) {
    remember_error(call, "could not open the libvirt connection");
    return;
  }
  virDomainPtr domain = virDomainLookupByName(conn, call->name);
  if (domain == NULL) {
    remember_error(call, "Domain not found");
  } else {
    int result = -1;
    switch (call->op) {
      case OP_SET_MEMORY:
        /* LIVE only: the persistent definition keeps the memory the instance
         * was defined with; alkor redefines it when the parameter changes. */
        result = virDomainSetMemoryFlags(domain, call->kib, VIR_DOMAIN_AFFECT_LIVE);
        break;
      case OP_REBOOT:
        /* Flags 0: the driver's default, ACPI for a qemu domain without a
         * guest agent channel (alkor's domain XML adds none). */
        result = virDomainReboot(domain, 0);
        break;
    }
    if (result < 0) remember_error(call, "the libvirt call failed");
    virDomainFree(domain);
  }
  /* Keeps the error of the call above, not of the close. */
  virConnectClose(conn);
}

static void complete(napi_env env, napi_status status, void *data) {
  struct call *call = data;
  if (status == napi_ok && !call->failed) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, call->deferred, undefined);
  } else {
    const char *text = call->error_message != NULL ? call->error_message : "the libvirt call was cancelled";
    napi_value message, error, code;
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_create_int32(env, call->error_code, &code);
    napi_set_named_property(env, error, "libvirtCode", code);
    napi_reject_deferred(env, call->deferred, error);
  }
  napi_delete_async_work(env, call->work);
  free(call->uri);
  free(call->name);
  free(call->error_message);
  free(call);
}

/* A copy of a JS string argument, or NULL after throwing a TypeError. */
static char *string_argument(napi_env env, napi_value value, const char *what) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  char *copy = malloc(length + 1);
  if (copy == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, copy, length + 1, &length);
  /* libvirt takes C strings: an embedded NUL would silently cut the name. */
  if (strlen(copy) != length) {
    free(copy);
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return copy;
}

static napi_value queue(napi_env env, struct call *call, const char *resource_name) {
  napi_value promise, resource;
  if (napi_create_promise(env, &call->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, resource_name, NAPI_AUTO_LENGTH, &resource) != napi_ok ||
      napi_create_async_work(env, NULL, resource, execute, complete, call, &call->work) != napi_ok ||
      napi_queue_async_work(env, call->work) != napi_ok) {
    free(call->uri);
    free(call->name);
    free(call);
    napi_throw_error(env, NULL, "could not queue the libvirt call");
    return NULL;
  }
  return promise;
}

/* Reads (uri, name) into a new call; NULL after throwing. */
static struct call *new_call(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, enum operation op) {
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < expected) {
    napi_throw_type_error(env, NULL, "missing arguments");
    return NULL;
  }
  struct call *call = calloc(1, sizeof *call);
  if (call == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  call->op = op;
  call->uri = string_argument(env, argv[0], "uri must be a string without NUL");
  if (call->uri == NULL) {
    free(call);
    return NULL;
  }
  call->name = string_argument(env, argv[1], "name must be a string without NUL");
  if (call->name == NULL) {
    free(call->uri);
    free(call);
    return NULL;
  }
  return call;
}

static napi_value set_memory(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  struct call *call = new_call(env, info, 3, argv, OP_SET_MEMORY);
  if (call == NULL) return NULL;
  double kib;
  if (napi_get_value_double(env, argv[2], &kib) != napi_ok || !(kib >= 1) || kib > 4294967295.0 || kib != (double)(unsigned long)kib) {
    free(call->uri);
    free(call->name);
    free(call);
    napi_throw_range_error(env, NULL, "kib must be a positive whole number of KiB");
    return NULL;
  }
  call->kib = (unsigned long)kib;
  return queue(env, call, "libvirt-extra.setMemory");
}

static napi_value reboot(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  struct call *call = new_call(env, info, 2, argv, OP_REBOOT);
  if (call == NULL) return NULL;
  return queue(env, call, "libvirt-extra.reboot");
}

static napi_value init(napi_env env, napi_value exports) {
  virSetErrorFunc(NULL, quiet_error_handler);
  napi_property_descriptor properties[] = {
    {"setMemory", NULL, set_memory, NULL, NULL, NULL, napi_enumerable, NULL},
    {"reboot", NULL, reboot, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
