#include "tests/dovecot_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <iconv.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/helpers.h"
#include "tests/python_test_server.h"

extern char** environ;

namespace sg {
namespace {

const char* const kWhere = "dovecot test server";

/// Whether an IMAP server on `port` greets with its capabilities. Until Dovecot's
/// auth process is up its login processes greet "* OK Waiting for authentication
/// process to respond.." instead, and answer LOGIN only later.
bool greets(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string line;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    char buffer[512];
    while (line.find('\n') == std::string::npos && line.size() < 4096) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      line.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return line.starts_with("* OK [CAPABILITY ");
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Writes all of `bytes` to `fd`; false when a write fails.
bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool write_whole(const std::string& path, const std::string& bytes, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  const bool written = write_all(fd, bytes);
  return close(fd) == 0 && written;
}

/// The uid and gid of nobody:nogroup, whom Dovecot's userdb makes the mail's owner.
struct MailOwner {
  uid_t uid = 0;
  gid_t gid = 0;
  bool found = false;
};

const MailOwner& mail_owner() {
  static const MailOwner owner = [] {
    MailOwner out;
    const passwd* user = getpwnam("nobody");
    const group* grp = getgrnam("nogroup");
    if (user != nullptr && grp != nullptr) {
      out.uid = user->pw_uid;
      out.gid = grp->gr_gid;
      out.found = true;
    }
    return out;
  }();
  return owner;
}

/// A folder owned by the mail's owner; fine when it exists already.
bool make_owned_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return false;
  return chown(path.c_str(), mail_owner().uid, mail_owner().gid) == 0;
}

/// The mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3), as Dovecot names
/// Maildir++ folders on disk.
Result<std::string> modified_utf7(const std::string& name) {
  iconv_t cd = iconv_open("UTF-7-IMAP", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return Error{"iconv has no UTF-7-IMAP", kWhere};
  std::string out(name.size() * 4 + 16, '\0');
  char* in_ptr = const_cast<char*>(name.data());
  size_t in_left = name.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t converted = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  // The final call closes an open base64 run (its '-').
  const size_t flushed = iconv(cd, nullptr, nullptr, &out_ptr, &out_left);
  iconv_close(cd);
  if (converted == static_cast<size_t>(-1) || flushed == static_cast<size_t>(-1))
    return Error{"mailbox name is no valid UTF-8: " + name, kWhere};
  out.resize(out.size() - out_left);
  return out;
}

bool is_inbox(const std::string& mailbox) {
  if (mailbox.size() != 5) return false;
  for (size_t i = 0; i < 5; ++i)
    if (std::toupper(static_cast<unsigned char>(mailbox[i])) != "INBOX"[i]) return false;
  return true;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(text);
  while (std::getline(in, field, separator)) out.push_back(field);
  return out;
}

/// The certificate and key made once per process: generating an RSA key takes
/// 50-500 ms, and a test run starts many servers.
struct CertificatePair {
  std::string cert;
  std::string key;
};

Result<CertificatePair> certificate(const std::string& dir) {
  static std::mutex mutex;
  static CertificatePair made;
  std::lock_guard<std::mutex> lock(mutex);
  if (!made.cert.empty()) return made;
  const std::string cert_path = dir + "/cert.pem";
  const std::string key_path = dir + "/key.pem";
  const CommandResult result = run_command(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
       "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key_path, "-out", cert_path});
  if (result.exit_code != 0) return Error{"openssl req failed: " + result.err, kWhere};
  made.cert = slurp(cert_path);
  made.key = slurp(key_path);
  if (made.cert.empty() || made.key.empty()) {
    made = {};
    return Error{"openssl req wrote no certificate", kWhere};
  }
  return made;
}

std::string config_text(const std::string& dir, const DovecotOptions& options, uint16_t imap, uint16_t imaps,
                        uint16_t pop3, uint16_t pop3s) {
  std::ostringstream conf;
  conf << "base_dir = " << dir << "/run\n"
       << "state_dir = " << dir << "/state\n"
       << "log_path = " << dir << "/dovecot.log\n"
       << "protocols = imap" << (options.pop3 ? " pop3" : "") << "\n"
       << "listen = 127.0.0.1\n";
  if (options.tls) conf << "ssl = yes\nssl_cert = <" << dir << "/cert.pem\nssl_key = <" << dir << "/key.pem\n";
  else conf << "ssl = no\n";
  conf << "disable_plaintext_auth = no\n"
       << "auth_mechanisms = plain login\n"
       << "auth_failure_delay = 0\n"
       << "mail_location = maildir:" << dir << "/mail/%u\n"
       << "pop3_uidl_format = %08Xu%08Xv\n"
       // The doveadm commands of a test need no fsync, and neither does mail a test
       // delivers: speed over durability.
       << "mail_fsync = never\n"
       << "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " << dir << "/users\n}\n"
       << "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=" << dir << "/mail/%u\n}\n"
       << "service imap-login {\n"
       << "  inet_listener imap {\n    address = 127.0.0.1\n    port = " << imap << "\n  }\n"
       << "  inet_listener imaps {\n    address = 127.0.0.1\n    port = " << imaps << "\n  }\n"
       << "}\n";
  if (options.pop3)
    conf << "service pop3-login {\n"
         << "  inet_listener pop3 {\n    address = 127.0.0.1\n    port = " << pop3 << "\n  }\n"
         << "  inet_listener pop3s {\n    address = 127.0.0.1\n    port = " << pop3s << "\n  }\n"
         << "}\n";
  return conf.str();
}

/// Ends the process group led by `pid` (Dovecot's master and every child it
/// started) and waits for the master. Signalling only the master would work too,
/// but with a session open it takes a whole second to go.
void stop_group(pid_t pid) {
  if (pid <= 0) return;
  kill(-pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  // Children that outlive the master (they are no children of ours) get 2 s more.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (kill(-pid, 0) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (kill(-pid, 0) == 0) kill(-pid, SIGKILL);
}

/// A new folder for one server: "spamgraph-dovecot-XXXXXX" in /dev/shm when that
/// is a writable tmpfs with 1 GiB free, else in the system's temporary folder. On a
/// busy disk creating a Maildir file costs 100-300 us, on tmpfs 10-30, and a
/// benchmark delivers 10,000 of them. Either way the path stays short: base_dir
/// holds unix sockets (108 bytes at most).
Result<std::string> server_dir() {
  struct statvfs shm {};
  if (access("/dev/shm", W_OK | X_OK) == 0 && statvfs("/dev/shm", &shm) == 0 &&
      static_cast<uint64_t>(shm.f_bavail) * shm.f_frsize >= (uint64_t{1} << 30)) {
    std::string pattern = "/dev/shm/spamgraph-dovecot-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) return pattern;
  }
  return make_server_dir("dovecot");
}

}  // namespace

Result<std::unique_ptr<DovecotTestServer>> DovecotTestServer::start(const DovecotOptions& options) {
  // A port free a moment ago may be taken by another test process by the time
  // Dovecot binds it: then again with other ports.
  for (int attempt = 1;; ++attempt) {
    auto started = start_once(options);
    if (started || attempt == 3 || started.error().message.find("Address already in use") == std::string::npos)
      return started;
  }
}

Result<std::unique_ptr<DovecotTestServer>> DovecotTestServer::start_once(const DovecotOptions& options) {
  if (geteuid() != 0) return Error{"needs root (the mail belongs to nobody:nogroup)", kWhere};
  if (!mail_owner().found) return Error{"no user nobody or group nogroup", kWhere};
  if (access("/usr/sbin/dovecot", X_OK) != 0 || access("/usr/bin/doveadm", X_OK) != 0)
    return Error{"dovecot is not installed (dovecot-imapd, dovecot-pop3d)", kWhere};
  if (options.user.empty() || options.user.find_first_of(":/\n") != std::string::npos ||
      options.password.find_first_of(":\n") != std::string::npos)
    return Error{"user or password unusable in a passwd-file", kWhere};

  std::unique_ptr<DovecotTestServer> server(new DovecotTestServer());
  auto dir = server_dir();
  if (!dir) return dir.error();
  server->dir_ = *dir;
  // mkdtemp makes it 0700, but Dovecot's auth process (user dovecot) reads the
  // users file in it and its mail processes (nobody) the Maildir.
  if (chmod(server->dir_.c_str(), 0755) != 0) return Error{"cannot chmod " + server->dir_, kWhere};
  server->user_ = options.user;
  server->password_ = options.password;
  const std::string& root = server->dir_;
  // Four different ports (free_tcp_port() may give the same one twice).
  std::vector<uint16_t> chosen;
  for (bool wanted : {true, options.tls, options.pop3, options.pop3 && options.tls}) {
    uint16_t port = 0;
    for (int attempt = 0; wanted && port == 0 && attempt < 20; ++attempt) {
      port = free_tcp_port();
      if (std::find(chosen.begin(), chosen.end(), port) != chosen.end()) port = 0;
    }
    if (wanted && port == 0) return Error{"no free port on 127.0.0.1", kWhere};
    chosen.push_back(port);
  }
  server->imap_port_ = chosen[0];
  server->imaps_port_ = chosen[1];
  server->pop3_port_ = chosen[2];
  server->pop3s_port_ = chosen[3];

  if (options.tls) {
    auto pair = certificate(root);
    if (!pair) return pair.error();
    server->ca_file_ = root + "/cert.pem";
    if (!write_whole(server->ca_file_, pair->cert, 0644) || !write_whole(root + "/key.pem", pair->key, 0600))
      return Error{"cannot write the certificate", kWhere};
  }
  if (!write_whole(root + "/users", options.user + ":{PLAIN}" + options.password + "\n", 0644) ||
      !write_whole(
          root + "/dovecot.conf",
          config_text(root, options, server->imap_port_, server->imaps_port_, server->pop3_port_, server->pop3s_port_),
          0644))
    return Error{"cannot write the config", kWhere};
  if (!make_owned_dir(root + "/mail") || !make_owned_dir(root + "/mail/" + options.user))
    return Error{"cannot make the mail folder", kWhere};
  if (!server->mailbox_dir("INBOX")) return Error{"cannot make the INBOX", kWhere};

  const std::string conf_path = server->config_path();
  const std::string out_path = root + "/dovecot.out";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Its own process group, so the destructor can end all of Dovecot's processes at once.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  char* argv[] = {const_cast<char*>("/usr/sbin/dovecot"), const_cast<char*>("-F"), const_cast<char*>("-c"),
                  const_cast<char*>(conf_path.c_str()), nullptr};
  const int rc = posix_spawn(&server->pid_, argv[0], &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    server->pid_ = -1;
    return Error{std::string("cannot start /usr/sbin/dovecot: ") + std::strerror(rc), kWhere};
  }

  const std::vector<uint16_t> ports = {server->imap_port_, server->imaps_port_, server->pop3_port_,
                                       server->pop3s_port_};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t ready = 0;  // ports[0, ready) accept connections
  bool greeted = false;
  while (std::chrono::steady_clock::now() < deadline) {
    while (ready < ports.size() && (ports[ready] == 0 || accepts_connections(ports[ready]))) ++ready;
    if (ready == ports.size() && !greeted) greeted = greets(server->imap_port_);
    if (greeted) return server;
    int status = 0;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return Error{"dovecot exited: " + slurp(out_path) + server->log(), kWhere};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string what = ready < ports.size() ? "port " + std::to_string(ports[ready]) + " accepted no connection"
                                                : "IMAP port greeted without capabilities (no auth process)";
  return Error{what + " within 5 s: " + slurp(out_path) + server->log(), kWhere};
}

DovecotTestServer::~DovecotTestServer() {
  stop_group(pid_);
  const char* keep = std::getenv("SPAMGRAPH_KEEP_TEST_DIRS");
  if (!dir_.empty() && (keep == nullptr || *keep == '\0')) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string DovecotTestServer::log() const { return slurp(dir_ + "/dovecot.log"); }

Result<std::string> DovecotTestServer::folder_of(const std::string& mailbox) const {
  const std::string home = dir_ + "/mail/" + user_;
  if (is_inbox(mailbox)) return home;
  if (mailbox.empty() || mailbox.front() == '.' || mailbox.back() == '.' || mailbox.find('/') != std::string::npos ||
      mailbox.find("..") != std::string::npos)
    return Error{"unusable mailbox name: " + mailbox, kWhere};
  auto encoded = modified_utf7(mailbox);
  if (!encoded) return encoded.error();
  return home + "/." + *encoded;
}

Result<std::string> DovecotTestServer::existing_folder(const std::string& mailbox) const {
  auto folder = folder_of(mailbox);
  if (!folder) return folder.error();
  struct stat info {};
  if (stat((*folder + "/cur").c_str(), &info) != 0) return Error{"no such mailbox: " + mailbox, kWhere};
  return folder;
}

Result<std::string> DovecotTestServer::mailbox_dir(const std::string& mailbox) {
  auto folder = folder_of(mailbox);
  if (!folder) return folder.error();
  struct stat info {};
  if (stat((*folder + "/cur").c_str(), &info) == 0) return folder;
  for (const char* part : {"", "/tmp", "/new", "/cur"})
    if (!make_owned_dir(*folder + part)) return Error{"cannot make " + *folder + part, kWhere};
  if (!is_inbox(mailbox)) {
    // Maildir++ marks a subfolder so; Dovecot lists the folder either way.
    const std::string marker = *folder + "/maildirfolder";
    if (!write_whole(marker, "", 0644) || chown(marker.c_str(), mail_owner().uid, mail_owner().gid) != 0)
      return Error{"cannot write " + marker, kWhere};
    // Subscribed too, for clients that look at LSUB rather than LIST.
    if (auto subscribed = doveadm({"mailbox", "subscribe", "-u", user_, mailbox}); !subscribed)
      return subscribed.error();
  }
  return folder;
}

Status DovecotTestServer::deliver(const std::string& folder, const std::string& bytes, bool seen) {
  // "TIME.MCOUNTERPPID.spamgraph,S=SIZE": Dovecot gives new mail its UIDs in the
  // order of these names (time, then the M number), so in delivery order; S= spares
  // it a stat().
  char name[128];
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::snprintf(name, sizeof name, "%lld.M%09lluP%d.spamgraph,S=%zu", static_cast<long long>(now),
                static_cast<unsigned long long>(delivered_), static_cast<int>(getpid()), bytes.size());
  ++delivered_;
  const std::string temporary = folder + "/tmp/" + name;
  const std::string final_path = seen ? folder + "/cur/" + name + ":2,S" : folder + "/new/" + name;
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot create " + temporary + ": " + std::strerror(errno), kWhere};
  const bool written = write_all(fd, bytes);
  const bool owned = fchown(fd, mail_owner().uid, mail_owner().gid) == 0;
  if (close(fd) != 0 || !written || !owned) {
    unlink(temporary.c_str());
    return Error{"cannot write " + temporary, kWhere};
  }
  if (rename(temporary.c_str(), final_path.c_str()) != 0)
    return Error{"cannot move " + temporary + " into place: " + std::strerror(errno), kWhere};
  return Ok{};
}

Status DovecotTestServer::add_message(const std::string& mailbox, const std::string& bytes, bool seen) {
  auto folder = mailbox_dir(mailbox);
  if (!folder) return folder.error();
  return deliver(*folder, bytes, seen);
}

Status DovecotTestServer::add_messages(const std::string& mailbox, const std::vector<std::string>& messages) {
  auto folder = mailbox_dir(mailbox);
  if (!folder) return folder.error();
  for (const std::string& bytes : messages)
    if (auto delivered = deliver(*folder, bytes, false); !delivered) return delivered;
  return Ok{};
}

Result<std::string> DovecotTestServer::doveadm(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"/usr/bin/doveadm", "-c", config_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult result = run_command(argv);
  if (result.exit_code != 0) {
    std::string command = "doveadm";
    for (const std::string& arg : args) command += " " + arg;
    return Error{command + " exited " + std::to_string(result.exit_code) + ": " + result.err + result.out, kWhere};
  }
  return result.out;
}

Result<std::vector<std::pair<uint64_t, std::string>>> DovecotTestServer::flags(const std::string& mailbox) const {
  // Asking about a mailbox that does not exist gives doveadm no error: check first.
  if (auto folder = existing_folder(mailbox); !folder) return folder.error();
  auto out = doveadm({"-f", "tab", "fetch", "-u", user_, "uid flags", "mailbox", mailbox, "all"});
  if (!out) return out.error();
  std::vector<std::pair<uint64_t, std::string>> rows;
  const std::vector<std::string> lines = split(*out, '\n');
  for (size_t i = 1; i < lines.size(); ++i) {  // line 0: "uid\tflags"
    if (lines[i].empty()) continue;
    const size_t tab = lines[i].find('\t');
    if (tab == std::string::npos) return Error{"unexpected doveadm fetch line: " + lines[i], kWhere};
    std::string kept;
    for (const std::string& flag : split(lines[i].substr(tab + 1), ' ')) {
      if (flag.empty() || flag == "\\Recent") continue;
      if (!kept.empty()) kept += ' ';
      kept += flag;
    }
    rows.emplace_back(std::strtoull(lines[i].c_str(), nullptr, 10), kept);
  }
  return rows;
}

Result<std::pair<uint64_t, uint64_t>> DovecotTestServer::uid_state(const std::string& mailbox) const {
  auto out = doveadm({"-f", "tab", "mailbox", "status", "-u", user_, "uidvalidity uidnext", mailbox});
  if (!out) return out.error();
  const std::vector<std::string> lines = split(*out, '\n');
  if (lines.size() < 2) return Error{"unexpected doveadm mailbox status output: " + *out, kWhere};
  // The columns come in doveadm's order, not the one asked for.
  const std::vector<std::string> names = split(lines[0], '\t');
  const std::vector<std::string> values = split(lines[1], '\t');
  uint64_t validity = 0, next = 0;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (names[i] == "uidvalidity") validity = std::strtoull(values[i].c_str(), nullptr, 10);
    if (names[i] == "uidnext") next = std::strtoull(values[i].c_str(), nullptr, 10);
  }
  if (validity == 0 || next == 0) return Error{"unexpected doveadm mailbox status output: " + *out, kWhere};
  return std::make_pair(validity, next);
}

Status DovecotTestServer::change_uidvalidity(const std::string& mailbox, uint64_t new_value, uint64_t first_uid) {
  if (new_value == 0 || new_value > 0xffffffffULL || first_uid == 0 || first_uid > 0xffffffffULL)
    return Error{"UIDVALIDITY and UIDs are 32-bit and not 0", kWhere};
  auto folder = existing_folder(mailbox);
  if (!folder) return folder.error();
  // No session may keep the old numbering in memory, or write it back.
  if (auto kicked = kick(); !kicked) return kicked;
  // `doveadm mailbox update --uid-validity` changes UIDVALIDITY but keeps every UID.
  // Recreating the mailbox means new UIDs too: a dovecot-uidlist holding only the
  // header (version 3, V = UIDVALIDITY, N = next UID) and no index makes Dovecot
  // number every message it finds afresh, from N on, in file-name order.
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(*folder, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("dovecot.index")) std::filesystem::remove(entry.path(), ignored);
  }
  // The mailbox list's index caches STATUS answers (UIDVALIDITY among them).
  const std::string home = dir_ + "/mail/" + user_;
  for (const auto& entry : std::filesystem::directory_iterator(home, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("dovecot.list.index")) std::filesystem::remove(entry.path(), ignored);
  }
  const std::string uidlist = *folder + "/dovecot-uidlist";
  const std::string temporary = uidlist + ".spamgraph";
  if (!write_whole(temporary, "3 V" + std::to_string(new_value) + " N" + std::to_string(first_uid) + "\n", 0644) ||
      chown(temporary.c_str(), mail_owner().uid, mail_owner().gid) != 0 ||
      rename(temporary.c_str(), uidlist.c_str()) != 0)
    return Error{"cannot rewrite " + uidlist, kWhere};
  // Let Dovecot rebuild now, so the first client does not pay for it, and check it
  // took the new value.
  auto state = uid_state(mailbox);
  if (!state) return state.error();
  if (state->first != new_value)
    return Error{
        "Dovecot reports UIDVALIDITY " + std::to_string(state->first) + " instead of " + std::to_string(new_value),
        kWhere};
  return Ok{};
}

Status DovecotTestServer::kick() {
  const std::vector<std::string> argv = {"/usr/bin/doveadm", "-c", config_path(), "kick", user_};
  const CommandResult result = run_command(argv);
  // 68 (EX_NOUSER): "no users kicked", nobody was connected.
  if (result.exit_code != 0 && result.exit_code != 68)
    return Error{"doveadm kick exited " + std::to_string(result.exit_code) + ": " + result.err + result.out, kWhere};
  // doveadm returns once the signal is sent; wait until the sessions are gone, so
  // the caller's next step sees them ended.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    const CommandResult who = run_command({"/usr/bin/doveadm", "-c", config_path(), "who", "-1", user_});
    if (who.exit_code != 0) return Ok{};
    bool listed = false;  // a line after the header whose first column is the user
    const std::vector<std::string> lines = split(who.out, '\n');
    for (size_t i = 1; i < lines.size(); ++i) listed = listed || lines[i].substr(0, lines[i].find(' ')) == user_;
    if (!listed) return Ok{};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Error{"sessions still open 2 s after doveadm kick", kWhere};
}

}  // namespace sg
