// Cq: a completion queue, polled without blocking.
#include <arpa/inet.h>
#include "wrappers.h"

namespace rdmacheck {

Napi::Function Cq::Define(Napi::Env env) {
  return DefineClass(env, "Cq", {InstanceMethod<&Cq::Poll>("poll"), InstanceMethod<&Cq::Close>("close")});
}

Cq::Cq(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Cq>(info) {
  handle = TakeHandle<CqHandle>(info, "Cq", "ctx.createCq(cqe)", &kCqTag);
}

ibv_cq* Cq::Get(Napi::Env env, const char* api) {
  if (!handle || handle->closed()) ThrowTypeError(env, std::string(api) + ": the completion queue is destroyed; create another with ctx.createCq(cqe)");
  return handle->cq;
}

// poll(max = 16): up to `max` completions [{ wrId, status, opcode?, byteLen, qpNum, vendorErr, imm? }].
// wrId comes back as a Number (the 64-bit wr_id read as a signed integer). `opcode` only on
// SUCCESS: ibv_poll_cq leaves it undefined for errors.
Napi::Value Cq::Poll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Cq.poll", 1, "cq.poll(max?)");
  int max = 16;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsNumber()) ThrowTypeError(env, "Cq.poll: max must be a number");
    double d = info[0].As<Napi::Number>().DoubleValue();
    if (!(d >= 1 && d <= 1024 && static_cast<int>(d) == d)) ThrowTypeError(env, "Cq.poll: max must be an integer in 1..1024");
    max = static_cast<int>(d);
  }
  ibv_cq* cq = Get(env, "Cq.poll");
  std::vector<ibv_wc> wcs(max);
  int n = ibv_poll_cq(cq, max, wcs.data());
  if (n < 0) ThrowVerbsError(env, "ibv_poll_cq", -n > 0 ? -n : EIO);
  Napi::Array out = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    const ibv_wc& wc = wcs[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("wrId", Napi::Number::New(env, static_cast<double>(static_cast<int64_t>(wc.wr_id))));
    o.Set("status", WcStatusName(wc.status));
    if (wc.status == IBV_WC_SUCCESS) o.Set("opcode", WcOpcodeName(wc.opcode));
    o.Set("byteLen", wc.byte_len);
    o.Set("qpNum", wc.qp_num);
    o.Set("vendorErr", wc.vendor_err);
    if (wc.status == IBV_WC_SUCCESS && (wc.wc_flags & IBV_WC_WITH_IMM)) o.Set("imm", ntohl(wc.imm_data));
    out.Set(i, o);
  }
  return out;
}

Napi::Value Cq::Close(const Napi::CallbackInfo& info) {
  MaxArgs(info, "Cq.close", 0, "cq.close()");
  int rc = handle ? handle->Close() : 0;
  if (rc) ThrowVerbsError(info.Env(), "ibv_destroy_cq", rc);
  return info.Env().Undefined();
}

}  // namespace rdmacheck
