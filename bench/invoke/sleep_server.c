// A minimal Lambda Invoke API stand-in for the 10,000-in-flight benchmark (docs/benchmarks.md
// section 7): every POST is answered 200 {"slept":S} S seconds after it arrived. One thread,
// one epoll set, no thread or process per request, and a few microseconds of CPU per request,
// so that on a small machine the measurement is of the client, not of this server.
//
//   sleep_server [--port=P] [--sleep=S]
//
// HTTP/1.1 keep-alive; a request needs a Content-Length (our client always sends one) and at
// most 16 KiB in all. Prints "http://127.0.0.1:PORT" once listening. On SIGTERM or SIGINT
// prints to stderr the number of requests answered, the most connections open at once, the
// time from the first request received to the last (a slow sender shows there), and its own
// CPU time; then exits 0. Exit 2 for bad arguments or a port it cannot listen on.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kBufferBytes = 16 * 1024, kMaxEvents = 512 };

struct conn {
  char* buffer;        // received bytes not yet taken as a request; NULL when closed
  size_t used;
  unsigned generation;  // bumped on close, so a queued answer for a closed one is dropped
  int queued;           // a request of it waits in the queue
};
struct pending {
  int fd;
  unsigned generation;
  double due;
};

static struct conn* conns;
static struct pending* queue;  // FIFO; every sleep is equal, so it is also ordered by `due`
static size_t queue_head, queue_len, queue_cap;
static long answered, open_now, open_peak;
static double first_arrival = -1, last_arrival;
static volatile sig_atomic_t stopping;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static void close_conn(int epoll_fd, int fd) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, NULL);
  close(fd);
  free(conns[fd].buffer);
  conns[fd].buffer = NULL;
  conns[fd].generation++;
  conns[fd].queued = 0;
  open_now--;
}

// If the buffer of `fd` starts with a whole request, takes it and queues its answer. Returns -1
// for a request it cannot frame (the caller closes the connection).
static int take_request(int fd, double sleep_s) {
  struct conn* c = &conns[fd];
  if (c->queued) return 0;
  char* end = memmem(c->buffer, c->used, "\r\n\r\n", 4);
  if (end == NULL) return c->used == kBufferBytes ? -1 : 0;
  size_t head = (size_t)(end - c->buffer) + 4;
  size_t length = 0;
  for (char* line = c->buffer; line < end;) {
    char* newline = memchr(line, '\n', (size_t)(end - line));
    if (newline == NULL) break;
    line = newline + 1;  // the head ends in "\r\n\r\n", so reading on from here stays inside
    if (strncasecmp(line, "content-length:", 15) == 0) length = strtoul(line + 15, NULL, 10);
  }
  if (head + length > kBufferBytes) return -1;
  if (c->used < head + length) return 0;
  memmove(c->buffer, c->buffer + head + length, c->used - head - length);
  c->used -= head + length;
  double t = now_s();
  if (first_arrival < 0) first_arrival = t;
  last_arrival = t;
  queue[(queue_head + queue_len++) % queue_cap] = (struct pending){fd, c->generation, t + sleep_s};
  c->queued = 1;
  return 0;
}

static void on_readable(int epoll_fd, int fd, double sleep_s) {
  struct conn* c = &conns[fd];
  for (;;) {
    ssize_t n = read(fd, c->buffer + c->used, kBufferBytes - c->used);
    if (n > 0) {
      c->used += (size_t)n;
      if (c->used < kBufferBytes) continue;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n == 0 || errno != EAGAIN) {
      close_conn(epoll_fd, fd);
      return;
    }
    break;
  }
  if (take_request(fd, sleep_s) < 0) close_conn(epoll_fd, fd);
}

static void on_accept(int epoll_fd, int listen_fd) {
  for (;;) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    conns[fd] = (struct conn){malloc(kBufferBytes), 0, conns[fd].generation, 0};
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    if (++open_now > open_peak) open_peak = open_now;
  }
}

// Answers every queued request that is due; returns the milliseconds until the next one, or -1.
static int answer_due(int epoll_fd, const char* answer, size_t answer_len, double sleep_s) {
  while (queue_len > 0) {
    struct pending p = queue[queue_head];
    double left = p.due - now_s();
    if (left > 0) return (int)(left * 1000) + 1;
    queue_head = (queue_head + 1) % queue_cap;
    queue_len--;
    if (conns[p.fd].buffer == NULL || conns[p.fd].generation != p.generation) continue;
    conns[p.fd].queued = 0;
    // A short answer into an idle loopback socket is written whole; anything else is an error.
    if (write(p.fd, answer, answer_len) != (ssize_t)answer_len) {
      close_conn(epoll_fd, p.fd);
      continue;
    }
    answered++;
    if (take_request(p.fd, sleep_s) < 0) close_conn(epoll_fd, p.fd);
  }
  return -1;
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 65535) != 0) {
    perror("sleep_server: listen");
    exit(2);
  }
  socklen_t len = sizeof addr;
  getsockname(fd, (struct sockaddr*)&addr, &len);
  printf("http://127.0.0.1:%d\n", ntohs(addr.sin_port));
  fflush(stdout);
  return fd;
}

int main(int argc, char** argv) {
  int port = 0;
  double sleep_s = 1.0;
  for (int i = 1; i < argc; ++i) {
    char* end = NULL;
    if (strncmp(argv[i], "--port=", 7) == 0) {
      port = (int)strtol(argv[i] + 7, &end, 10);
    } else if (strncmp(argv[i], "--sleep=", 8) == 0) {
      sleep_s = strtod(argv[i] + 8, &end);
    }
    if (end == NULL || *end != '\0' || port < 0 || port > 65535 || sleep_s < 0) {
      fprintf(stderr, "sleep_server: bad argument \"%s\" (--port=P --sleep=S)\n", argv[i]);
      return 2;
    }
  }

  struct rlimit limit;
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  queue_cap = (size_t)limit.rlim_cur;
  conns = calloc(queue_cap, sizeof *conns);
  queue = calloc(queue_cap, sizeof *queue);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction stop = {.sa_handler = on_signal};
  sigaction(SIGTERM, &stop, NULL);
  sigaction(SIGINT, &stop, NULL);

  char answer[256];
  char body[64];
  int body_len = snprintf(body, sizeof body, "{\"slept\":%g}", sleep_s);
  int answer_len = snprintf(answer, sizeof answer,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            "Content-Length: %d\r\nX-Amzn-RequestId: sleep\r\n\r\n%s",
                            body_len, body);

  int listen_fd = listen_on(port);
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = listen_fd};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
  struct epoll_event events[kMaxEvents];
  while (!stopping) {
    int wait_ms = answer_due(epoll_fd, answer, (size_t)answer_len, sleep_s);
    int n = epoll_wait(epoll_fd, events, kMaxEvents, wait_ms);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_fd) {
        on_accept(epoll_fd, listen_fd);
      } else if (conns[fd].buffer != NULL) {
        on_readable(epoll_fd, fd, sleep_s);
      }
    }
  }

  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  fprintf(stderr,
          "sleep_server: answered %ld requests, at most %ld connections open, requests received "
          "over %.3f s, cpu user %.2f s sys %.2f s\n",
          answered, open_peak, first_arrival < 0 ? 0.0 : last_arrival - first_arrival,
          (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6,
          (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6);
  return 0;
}
