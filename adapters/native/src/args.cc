#include "args.h"

#include <cmath>
#include <cstring>
#include <set>

namespace rdmacheck {

void ThrowVerbsError(Napi::Env env, const char* verb, int err) {
  const char* code = strerrorname_np(err);
  std::string msg = std::string(verb) + " failed: " + strerror(err) + " (errno " + std::to_string(err) +
                    (code ? std::string(", ") + code : std::string()) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("verb", Napi::String::New(env, verb));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, code ? code : "UNKNOWN"));
  throw e;
}

void ThrowTypeError(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }

// Random 128-bit values, one per class (napi_type_tag_object wants them unique to this addon).
extern const napi_type_tag kContextTag = {0x6a1c0f3e52d94b7aULL, 0x9e3d2c41a8b05f11ULL};
extern const napi_type_tag kPdTag = {0x2b7e151628aed2a6ULL, 0xabf7158809cf4f3cULL};
extern const napi_type_tag kMrTag = {0x3243f6a8885a308dULL, 0x313198a2e0370734ULL};
extern const napi_type_tag kCqTag = {0x4a4093822299f31dULL, 0x0082efa98ec4e6c8ULL};
extern const napi_type_tag kQpTag = {0x9216d5d98979fb1bULL, 0xd1310ba698dfb5acULL};

void MaxArgs(const Napi::CallbackInfo& info, const char* api, size_t max, const char* usage) {
  if (info.Length() <= max) return;
  ThrowTypeError(info.Env(), std::string(api) + ": takes " + (max == 0 ? "no arguments" : "at most " + std::to_string(max) +
                 (max == 1 ? " argument" : " arguments")) + ", got " + std::to_string(info.Length()) + " (" + usage + ")");
}

uint32_t U32Field(Napi::Env env, const Napi::Object& obj, const char* api, const char* key, uint32_t max,
                  bool required, uint32_t fallback) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) {
    if (required) ThrowTypeError(env, std::string(api) + ": " + key + " is required");
    return fallback;
  }
  if (!v.IsNumber()) ThrowTypeError(env, std::string(api) + ": " + key + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max && std::floor(d) == d)) {
    ThrowTypeError(env, std::string(api) + ": " + key + " must be an integer in 0.." + std::to_string(max));
  }
  return static_cast<uint32_t>(d);
}

uint64_t ToU64(Napi::Env env, const Napi::Value& v, const char* api, const char* what) {
  if (v.IsBigInt()) {
    bool lossless = true;
    uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) {
      // Negative BigInts wrap like a C cast; anything wider than 64 bits is an error.
      int64_t s = v.As<Napi::BigInt>().Int64Value(&lossless);
      if (!lossless) ThrowTypeError(env, std::string(api) + ": " + what + " does not fit in 64 bits");
      return static_cast<uint64_t>(s);
    }
    return x;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(std::floor(d) == d && std::fabs(d) <= 9007199254740991.0)) {
      ThrowTypeError(env, std::string(api) + ": " + what + " must be a safe integer or a BigInt");
    }
    return static_cast<uint64_t>(static_cast<int64_t>(d));
  }
  ThrowTypeError(env, std::string(api) + ": " + what + " must be a safe integer or a BigInt");
}

bool BoolField(Napi::Env env, const Napi::Object& obj, const char* api, const char* key, bool fallback) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) ThrowTypeError(env, std::string(api) + ": " + key + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

void CheckKeys(Napi::Env env, const Napi::Object& obj, const char* api, const std::vector<std::string>& allowed) {
  std::set<std::string> ok(allowed.begin(), allowed.end());
  Napi::Array names = obj.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); i++) {
    std::string k = names.Get(i).ToString().Utf8Value();
    if (!ok.count(k)) ThrowTypeError(env, std::string(api) + ": unknown attribute '" + k + "'");
  }
}

int AccessFlags(Napi::Env env, const Napi::Value& v, const char* api) {
  if (v.IsUndefined()) return 0;
  if (!v.IsArray()) ThrowTypeError(env, std::string(api) + ": access must be an array of flag names");
  Napi::Array a = v.As<Napi::Array>();
  int flags = 0;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value item = a.Get(i);
    std::string s = item.IsString() ? item.As<Napi::String>().Utf8Value() : "";
    if (s == "LOCAL_WRITE") flags |= IBV_ACCESS_LOCAL_WRITE;
    else if (s == "REMOTE_WRITE") flags |= IBV_ACCESS_REMOTE_WRITE;
    else if (s == "REMOTE_READ") flags |= IBV_ACCESS_REMOTE_READ;
    else if (s == "REMOTE_ATOMIC") flags |= IBV_ACCESS_REMOTE_ATOMIC;
    else ThrowTypeError(env, std::string(api) + ": unknown access flag '" + s +
                                 "' (use LOCAL_WRITE, REMOTE_WRITE, REMOTE_READ, REMOTE_ATOMIC)");
  }
  return flags;
}

static const char* const kQpStates[] = {"RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR"};

const char* QpStateName(ibv_qp_state s) {
  return (s >= IBV_QPS_RESET && s <= IBV_QPS_ERR) ? kQpStates[s] : "UNKNOWN";
}

bool QpStateFromName(const std::string& name, ibv_qp_state* out) {
  for (int i = 0; i <= IBV_QPS_ERR; i++) {
    if (name == kQpStates[i]) { *out = static_cast<ibv_qp_state>(i); return true; }
  }
  return false;
}

const char* WcStatusName(ibv_wc_status s) {
  switch (s) {
    case IBV_WC_SUCCESS: return "SUCCESS";
    case IBV_WC_LOC_LEN_ERR: return "LOC_LEN_ERR";
    case IBV_WC_LOC_QP_OP_ERR: return "LOC_QP_OP_ERR";
    case IBV_WC_LOC_EEC_OP_ERR: return "LOC_EEC_OP_ERR";
    case IBV_WC_LOC_PROT_ERR: return "LOC_PROT_ERR";
    case IBV_WC_WR_FLUSH_ERR: return "WR_FLUSH_ERR";
    case IBV_WC_MW_BIND_ERR: return "MW_BIND_ERR";
    case IBV_WC_BAD_RESP_ERR: return "BAD_RESP_ERR";
    case IBV_WC_LOC_ACCESS_ERR: return "LOC_ACCESS_ERR";
    case IBV_WC_REM_INV_REQ_ERR: return "REM_INV_REQ_ERR";
    case IBV_WC_REM_ACCESS_ERR: return "REM_ACCESS_ERR";
    case IBV_WC_REM_OP_ERR: return "REM_OP_ERR";
    case IBV_WC_RETRY_EXC_ERR: return "RETRY_EXC_ERR";
    case IBV_WC_RNR_RETRY_EXC_ERR: return "RNR_RETRY_EXC_ERR";
    case IBV_WC_LOC_RDD_VIOL_ERR: return "LOC_RDD_VIOL_ERR";
    case IBV_WC_REM_INV_RD_REQ_ERR: return "REM_INV_RD_REQ_ERR";
    case IBV_WC_REM_ABORT_ERR: return "REM_ABORT_ERR";
    case IBV_WC_INV_EECN_ERR: return "INV_EECN_ERR";
    case IBV_WC_INV_EEC_STATE_ERR: return "INV_EEC_STATE_ERR";
    case IBV_WC_FATAL_ERR: return "FATAL_ERR";
    case IBV_WC_RESP_TIMEOUT_ERR: return "RESP_TIMEOUT_ERR";
    case IBV_WC_GENERAL_ERR: return "GENERAL_ERR";
    default: return "UNKNOWN";
  }
}

const char* WcOpcodeName(ibv_wc_opcode op) {
  switch (op) {
    case IBV_WC_SEND: return "SEND";
    case IBV_WC_RDMA_WRITE: return "RDMA_WRITE";
    case IBV_WC_RDMA_READ: return "RDMA_READ";
    case IBV_WC_COMP_SWAP: return "COMP_SWAP";
    case IBV_WC_FETCH_ADD: return "FETCH_ADD";
    case IBV_WC_RECV: return "RECV";
    case IBV_WC_RECV_RDMA_WITH_IMM: return "RECV_RDMA_WITH_IMM";
    default: return "OTHER";
  }
}

const char* PortStateName(ibv_port_state s) {
  switch (s) {
    case IBV_PORT_NOP: return "NOP";
    case IBV_PORT_DOWN: return "DOWN";
    case IBV_PORT_INIT: return "INIT";
    case IBV_PORT_ARMED: return "ARMED";
    case IBV_PORT_ACTIVE: return "ACTIVE";
    case IBV_PORT_ACTIVE_DEFER: return "ACTIVE_DEFER";
    default: return "UNKNOWN";
  }
}

const char* AsyncEventName(ibv_event_type t) {
  switch (t) {
    case IBV_EVENT_CQ_ERR: return "CQ_ERR";
    case IBV_EVENT_QP_FATAL: return "QP_FATAL";
    case IBV_EVENT_QP_REQ_ERR: return "QP_REQ_ERR";
    case IBV_EVENT_QP_ACCESS_ERR: return "QP_ACCESS_ERR";
    case IBV_EVENT_COMM_EST: return "COMM_EST";
    case IBV_EVENT_SQ_DRAINED: return "SQ_DRAINED";
    case IBV_EVENT_PATH_MIG: return "PATH_MIG";
    case IBV_EVENT_PATH_MIG_ERR: return "PATH_MIG_ERR";
    case IBV_EVENT_DEVICE_FATAL: return "DEVICE_FATAL";
    case IBV_EVENT_PORT_ACTIVE: return "PORT_ACTIVE";
    case IBV_EVENT_PORT_ERR: return "PORT_ERR";
    case IBV_EVENT_LID_CHANGE: return "LID_CHANGE";
    case IBV_EVENT_PKEY_CHANGE: return "PKEY_CHANGE";
    case IBV_EVENT_SM_CHANGE: return "SM_CHANGE";
    case IBV_EVENT_SRQ_ERR: return "SRQ_ERR";
    case IBV_EVENT_SRQ_LIMIT_REACHED: return "SRQ_LIMIT_REACHED";
    case IBV_EVENT_QP_LAST_WQE_REACHED: return "QP_LAST_WQE_REACHED";
    case IBV_EVENT_CLIENT_REREGISTER: return "CLIENT_REREGISTER";
    case IBV_EVENT_GID_CHANGE: return "GID_CHANGE";
    default: return "OTHER";
  }
}

std::string GidToHex(const ibv_gid& gid) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; i++) { s += digits[gid.raw[i] >> 4]; s += digits[gid.raw[i] & 15]; }
  return s;
}

bool GidFromHex(const std::string& hex, ibv_gid* out) {
  if (hex.size() != 32) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (int i = 0; i < 16; i++) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->raw[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace rdmacheck
