/* A `provided` runtime for the benchmarks: one invocation at a time over one keep-alive
 * connection to the Runtime API ($AWS_LAMBDA_RUNTIME_API, "127.0.0.1:PORT"): GET
 * .../invocation/next, sleep SLEEP_MS milliseconds (default 0: answer at once), POST
 * {"premium":42,"riskLevel":"LOW"} as the response. Written in C so that the benchmarks measure
 * the engine and the host, not the function. bench/flow (instant) and bench/invoke (sleep1,
 * SLEEP_MS=1000) compile it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];

/* Reads one HTTP response (headers + Content-Length body) into buf; returns the header length
 * or -1. */
static int read_response(int fd, size_t* total) {
  size_t have = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
    if (n <= 0) return -1;
    have += (size_t)n;
    buf[have] = '\0';
    char* end = strstr(buf, "\r\n\r\n");
    if (end == NULL) continue;
    size_t head = (size_t)(end - buf) + 4;
    size_t length = 0;
    for (char* p = buf; p < end; p = strstr(p, "\r\n") + 2) {
      if (strncasecmp(p, "Content-Length:", 15) == 0) length = strtoul(p + 15, NULL, 10);
    }
    if (head + length >= sizeof(buf)) return -1;
    while (have < head + length) {
      n = read(fd, buf + have, sizeof(buf) - 1 - have);
      if (n <= 0) return -1;
      have += (size_t)n;
    }
    buf[have] = '\0';
    *total = have;
    return (int)head;
  }
}

static int send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n <= 0) return -1;
    data += n;
    size -= (size_t)n;
  }
  return 0;
}

int main(void) {
  const char* api = getenv("AWS_LAMBDA_RUNTIME_API");
  const char* colon = api ? strrchr(api, ':') : NULL;
  if (colon == NULL) return 1;
  long sleep_ms = getenv("SLEEP_MS") ? atol(getenv("SLEEP_MS")) : 0;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(colon + 1))};
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0) return 1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

  static const char next[] =
      "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n";
  static const char body[] = "{\"premium\":42,\"riskLevel\":\"LOW\"}";
  char request[512];
  for (;;) {
    size_t total = 0;
    if (send_all(fd, next, sizeof(next) - 1) != 0 || read_response(fd, &total) < 0) return 1;
    char* id = strcasestr(buf, "\r\nLambda-Runtime-Aws-Request-Id:");
    if (id == NULL) return 1;
    id += 32;
    while (*id == ' ') ++id;
    size_t id_len = strcspn(id, "\r\n");
    if (sleep_ms > 0) {
      struct timespec pause = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
      nanosleep(&pause, NULL);
    }
    int n = snprintf(request, sizeof(request),
                     "POST /2018-06-01/runtime/invocation/%.*s/response HTTP/1.1\r\n"
                     "Host: runtime\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "\r\n%s",
                     (int)id_len, id, sizeof(body) - 1, body);
    if (n <= 0 || (size_t)n >= sizeof(request)) return 1;
    if (send_all(fd, request, (size_t)n) != 0 || read_response(fd, &total) < 0) return 1;
  }
}
