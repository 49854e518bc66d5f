// The socket transport: workers connecting back to the pool get the pool's lines and answer,
// only with the job's secret, one worker per slot, end of input and of connection passed on.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "backends/compute/worker_socket.h"

using namespace lithops;

namespace {

int connect_to(const std::string& address) {
  auto colon = address.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Reads until `fd` has given `n` bytes or EOF (bounded: the test fails rather than hangs).
std::string read_some(int fd, size_t n) {
  std::string got;
  char buf[256];
  while (got.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - got.size()));
    if (r <= 0) break;
    got.append(buf, static_cast<size_t>(r));
  }
  return got;
}

bool at_eof(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 10000) <= 0) return false;
  char c;
  return ::read(fd, &c, 1) == 0;
}

std::string secret_of(WorkerSocketListener& listener) {
  auto path = std::filesystem::temp_directory_path() / ("lithops-secret-" + std::to_string(::getpid()));
  REQUIRE(listener.write_secret_file(path.string()).ok());
  struct stat st {};
  ::stat(path.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  std::string secret;
  std::ifstream(path) >> secret;
  std::filesystem::remove(path);
  return secret;
}

void send_all(int fd, const std::string& text) {
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

}  // namespace

TEST_CASE("a worker that connects with the secret talks to its slot both ways") {
  auto listener = WorkerSocketListener::open("127.0.0.1");
  REQUIRE(listener.ok());
  std::string secret = secret_of(**listener);
  CHECK(secret.size() == 64);
  auto slot = (*listener)->expect();
  REQUIRE(slot.ok());
  // The pool writes before any worker is there: it is kept for the worker.
  send_all((*slot)->to_worker, "{\"config\":1}\n");
  CHECK_FALSE((*slot)->connected());
  int worker = connect_to((*listener)->address());
  send_all(worker, "lithops-worker " + secret + " 12_3\n");
  CHECK(read_some(worker, 13) == "{\"config\":1}\n");
  CHECK((*slot)->connected());
  CHECK((*slot)->label() == "12_3");
  send_all(worker, "started 0\n");
  CHECK(read_some((*slot)->from_worker, 10) == "started 0\n");
  // The pool closes its input: the worker reads EOF (no more work).
  ::close((*slot)->to_worker);
  CHECK(at_eof(worker));
  // The worker goes away: the pool reads EOF.
  ::close(worker);
  CHECK(at_eof((*slot)->from_worker));
  ::close((*slot)->from_worker);
}

TEST_CASE("a worker with a wrong secret is closed and the slot keeps waiting") {
  auto listener = WorkerSocketListener::open("127.0.0.1");
  REQUIRE(listener.ok());
  std::string secret = secret_of(**listener);
  auto slot = (*listener)->expect();
  REQUIRE(slot.ok());
  int intruder = connect_to((*listener)->address());
  std::string wrong = secret;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  send_all(intruder, "lithops-worker " + wrong + " evil\n");
  CHECK(at_eof(intruder));
  ::close(intruder);
  CHECK_FALSE((*slot)->connected());
  CHECK((*listener)->waiting() == 1);
  ::close((*slot)->to_worker);
  ::close((*slot)->from_worker);
}

TEST_CASE("a worker that finds no slot waiting reads EOF at once (no work for it)") {
  auto listener = WorkerSocketListener::open("127.0.0.1");
  REQUIRE(listener.ok());
  std::string secret = secret_of(**listener);
  int worker = connect_to((*listener)->address());
  send_all(worker, "lithops-worker " + secret + " 12_9\n");
  CHECK(at_eof(worker));
  ::close(worker);
}

TEST_CASE("a dropped slot ends its worker's connection and the pool reads EOF") {
  auto listener = WorkerSocketListener::open("127.0.0.1");
  REQUIRE(listener.ok());
  std::string secret = secret_of(**listener);
  auto first = (*listener)->expect();
  auto second = (*listener)->expect();
  REQUIRE((first.ok() && second.ok()));
  int a = connect_to((*listener)->address());
  send_all(a, "lithops-worker " + secret + " a\n");
  int b = connect_to((*listener)->address());
  send_all(b, "lithops-worker " + secret + " b\n");
  send_all((*second)->to_worker, "x\n");
  CHECK(read_some(b, 2) == "x\n");  // slots are filled in order: b has the second
  (*first)->drop();
  CHECK(at_eof((*first)->from_worker));
  CHECK(at_eof(a));
  CHECK((*second)->label() == "b");
  for (int fd : {a, b, (*first)->to_worker, (*first)->from_worker, (*second)->to_worker,
                 (*second)->from_worker})
    ::close(fd);
}

TEST_CASE("listening needs a numeric address") {
  auto listener = WorkerSocketListener::open("not-an-address");
  REQUIRE_FALSE(listener.ok());
  CHECK(listener.error().message.find("not-an-address") != std::string::npos);
}
