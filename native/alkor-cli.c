/*
 * alkor-cli: the thin client of the alkor-* commands.
 *
 *   alkor-cli PROGRAM NODE SCRIPT [ARGS...]
 *
 * Starting Node and loading a command's modules costs 300-400 ms on a
 * node, more than most commands' own work. This client instead asks the
 * local agent to run "PROGRAM ARGS..." (POST /v1/cli on its control
 * socket, src/cli/cli-service.ts) and copies the frames it streams back
 * (src/cli/cli-frames.ts) to stdout and stderr, then exits with the
 * command's status.
 *
 * It runs "NODE SCRIPT ARGS..." itself (exec, so the same process) when the
 * agent cannot run the command: --endpoint on the command line or an
 * $ALKOR_ENDPOINT that is not a unix socket, an agent that does not answer
 * or does not serve /v1/cli, or one that says the command needs this
 * process's terminal, standard input or files. Nothing has been done then.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/alkor/alkord.sock"
#define FRAME_HEADER 5
#define MAX_HEADERS (16 * 1024)

static char **fallback_argv;

/* Runs the command in Node, in this process. */
static void run_locally(void) {
  signal(SIGPIPE, SIG_DFL);
  execvp(fallback_argv[0], fallback_argv);
  fprintf(stderr, "Cannot run %s: %s.\n", fallback_argv[0], strerror(errno));
  exit(127);
}

struct buffer {
  char *data;
  size_t length;
  size_t capacity;
};

static void append(struct buffer *buffer, const char *bytes, size_t length) {
  if (buffer->length + length > buffer->capacity) {
    size_t capacity = buffer->capacity ? buffer->capacity : 4096;
    while (capacity < buffer->length + length) capacity *= 2;
    char *grown = realloc(buffer->data, capacity);
    if (grown == NULL) {
      fputs("Out of memory.\n", stderr);
      exit(1);
    }
    buffer->data = grown;
    buffer->capacity = capacity;
  }
  memcpy(buffer->data + buffer->length, bytes, length);
  buffer->length += length;
}

static void append_text(struct buffer *buffer, const char *text) { append(buffer, text, strlen(text)); }

/* A JSON string: quotes, backslashes and control characters escaped, other bytes as they are (UTF-8). */
static void append_json_string(struct buffer *buffer, const char *text) {
  append_text(buffer, "\"");
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    if (*c == '"' || *c == '\\') {
      char escaped[2] = {'\\', (char)*c};
      append(buffer, escaped, 2);
    } else if (*c < 0x20) {
      char escaped[7];
      snprintf(escaped, sizeof escaped, "\\u%04x", *c);
      append(buffer, escaped, 6);
    } else {
      append(buffer, (const char *)c, 1);
    }
  }
  append_text(buffer, "\"");
}

static int write_all(int fd, const char *bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(fd, bytes, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    bytes += written;
    length -= (size_t)written;
  }
  return 0;
}

/* The socket the local commands talk to, or NULL when the command must run locally. */
static const char *socket_path(int argc, char **argv) {
  for (int i = 4; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "--endpoint") == 0 || strncmp(argv[i], "--endpoint=", 11) == 0) return NULL;
  }
  const char *endpoint = getenv("ALKOR_ENDPOINT");
  if (endpoint == NULL) return DEFAULT_SOCKET;
  if (strncmp(endpoint, "unix:", 5) == 0 && endpoint[5] == '/') return endpoint + 5;
  if (endpoint[0] == '/') return endpoint;
  return NULL;
}

static int connect_to(const char *path) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof address.sun_path) return -1;
  strcpy(address.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void send_request(int fd, int argc, char **argv) {
  struct buffer body = {0};
  append_text(&body, "{\"program\":");
  append_json_string(&body, argv[1]);
  append_text(&body, ",\"args\":[");
  for (int i = 4; i < argc; i++) {
    if (i > 4) append_text(&body, ",");
    append_json_string(&body, argv[i]);
  }
  append_text(&body, "],\"stdinIsTTY\":");
  append_text(&body, isatty(0) ? "true" : "false");
  append_text(&body, ",\"timeZone\":");
  const char *zone = getenv("TZ");
  append_json_string(&body, zone ? zone : "");
  append_text(&body, "}");

  char head[256];
  /* HTTP/1.0: the agent streams the frames without chunking and closes at the end. */
  int head_length = snprintf(head, sizeof head,
                             "POST /v1/cli HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                             body.length);
  if (write_all(fd, head, (size_t)head_length) < 0 || write_all(fd, body.data, body.length) < 0) run_locally();
  free(body.data);
}

/* Reads the response's status line and headers; anything but 200 means the agent does not run commands. */
static void read_headers(int fd, struct buffer *input) {
  for (;;) {
    char *end = input->length ? memmem(input->data, input->length, "\r\n\r\n", 4) : NULL;
    if (end != NULL) {
      int status = 0;
      if (sscanf(input->data, "HTTP/1.%*d %d", &status) != 1 || status != 200) run_locally();
      size_t used = (size_t)(end + 4 - input->data);
      memmove(input->data, input->data + used, input->length - used);
      input->length -= used;
      return;
    }
    if (input->length > MAX_HEADERS) run_locally();
    char chunk[4096];
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) run_locally();
    append(input, chunk, (size_t)got);
  }
}

/* Copies the frames out until the command's exit status; returns only if the agent hung up before it. */
static void copy_frames(int fd, struct buffer *input, const char *path) {
  int answered = 0;
  for (;;) {
    while (input->length >= FRAME_HEADER) {
      const unsigned char *header = (const unsigned char *)input->data;
      uint32_t length = ((uint32_t)header[1] << 24) | ((uint32_t)header[2] << 16) | ((uint32_t)header[3] << 8) | header[4];
      if (input->length - FRAME_HEADER < length) break;
      const char *payload = input->data + FRAME_HEADER;
      switch (header[0]) {
        case 'o':
          answered = 1;
          /* A reader that stops early (alkor-node list | head) is not a failure. */
          if (write_all(1, payload, length) < 0) exit(errno == EPIPE ? 0 : 1);
          break;
        case 'e':
          answered = 1;
          write_all(2, payload, length);
          break;
        case 'x':
          exit(length == 1 ? (unsigned char)payload[0] : 1);
        case 'l':
          if (!answered) {
            close(fd);
            run_locally();
          }
          /* After output, running it again would repeat that. */
          fprintf(stderr, "The agent at %s stopped the command after it had begun.\n", path);
          exit(1);
        default:
          fprintf(stderr, "The agent at %s sent a frame this client does not know (%c).\n", path, header[0]);
          exit(1);
      }
      memmove(input->data, input->data + FRAME_HEADER + length, input->length - FRAME_HEADER - length);
      input->length -= FRAME_HEADER + length;
    }
    char chunk[65536];
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
    append(input, chunk, (size_t)got);
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fputs("usage: alkor-cli PROGRAM NODE SCRIPT [ARGS...]\n", stderr);
    return 2;
  }
  /* NODE SCRIPT ARGS..., NULL-terminated: argv[argc] is NULL. */
  fallback_argv = argv + 2;
  const char *path = socket_path(argc, argv);
  if (path == NULL) run_locally();
  int fd = connect_to(path);
  if (fd < 0) run_locally();
  signal(SIGPIPE, SIG_IGN);
  send_request(fd, argc, argv);
  struct buffer input = {0};
  read_headers(fd, &input);
  copy_frames(fd, &input, path);
  fprintf(stderr, "The agent at %s closed the connection before the command ended.\n", path);
  return 1;
}
