// Argument checking (TypeError, never a crash), verbs errors (Error with verb, errno, code) and
// the name tables shared by the wrappers.
#pragma once
#include <napi.h>
#include <infiniband/verbs.h>
#include <cstdint>
#include <string>

namespace rdmacheck {

/** Throws an Error carrying `verb`, `errno`, `code` (e.g. EINVAL) and the errno text. */
[[noreturn]] void ThrowVerbsError(Napi::Env env, const char* verb, int err);
/** Throws a TypeError whose message starts with the API name. */
[[noreturn]] void ThrowTypeError(Napi::Env env, const std::string& message);

/** Reads an unsigned integer field (Number) in [0, max]; `fallback` when absent (or throws if required). */
uint32_t U32Field(Napi::Env env, const Napi::Object& obj, const char* api, const char* key, uint32_t max,
                  bool required, uint32_t fallback = 0);
/** A JavaScript Number (safe integer, may be negative) or BigInt as 64 bits. */
uint64_t ToU64(Napi::Env env, const Napi::Value& v, const char* api, const char* what);
/** An optional boolean field. */
bool BoolField(Napi::Env env, const Napi::Object& obj, const char* api, const char* key, bool fallback);
/** Requires that `obj` only has keys from `allowed` (catches misspelt attributes). */
void CheckKeys(Napi::Env env, const Napi::Object& obj, const char* api, const std::vector<std::string>& allowed);

/** Access flags from ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC']. */
int AccessFlags(Napi::Env env, const Napi::Value& v, const char* api);

const char* QpStateName(ibv_qp_state s);
bool QpStateFromName(const std::string& name, ibv_qp_state* out);
const char* WcStatusName(ibv_wc_status s);
const char* WcOpcodeName(ibv_wc_opcode op);
const char* PortStateName(ibv_port_state s);
const char* AsyncEventName(ibv_event_type t);
/** 16 raw GID bytes as 32 lowercase hex digits. */
std::string GidToHex(const ibv_gid& gid);
bool GidFromHex(const std::string& hex, ibv_gid* out);

}  // namespace rdmacheck
