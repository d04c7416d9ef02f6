// Pd (protection domain): memory registration and RC QP creation. Mr: a registered JS buffer.
#include <cerrno>
#include "wrappers.h"

namespace rdmacheck {

Napi::Function Pd::Define(Napi::Env env) {
  return DefineClass(env, "Pd",
                     {InstanceMethod<&Pd::RegMr>("regMr"), InstanceMethod<&Pd::CreateQp>("createQp"),
                      InstanceMethod<&Pd::Close>("close")});
}

Pd::Pd(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Pd>(info) {
  handle = TakeHandle<PdHandle>(info, "Pd", "ctx.allocPd()", &kPdTag);
}

ibv_pd* Pd::Get(Napi::Env env, const char* api) {
  if (!handle || handle->closed()) ThrowTypeError(env, std::string(api) + ": the protection domain is closed; allocate another with ctx.allocPd()");
  return handle->pd;
}

// regMr(buffer, access): the NIC reads and writes the very bytes JavaScript sees through `buffer`
// (an ArrayBuffer, a typed array or a Buffer). ArrayBuffer memory never moves, so this is safe.
Napi::Value Pd::RegMr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Pd.regMr", 2, "pd.regMr(buffer, access)");
  if (info.Length() < 1) ThrowTypeError(env, "Pd.regMr: pass the buffer to register (an ArrayBuffer or a typed array)");
  // The access list first: reading it may run JavaScript (getters, proxies) that could detach the
  // buffer or close the PD; nothing below runs JavaScript until ibv_reg_mr.
  int access = AccessFlags(env, info.Length() > 1 ? info[1] : env.Undefined(), "Pd.regMr");
  uint8_t* data = nullptr;
  size_t len = 0;
  if (info[0].IsArrayBuffer()) {
    auto ab = info[0].As<Napi::ArrayBuffer>();
    data = static_cast<uint8_t*>(ab.Data());
    len = ab.ByteLength();
  } else if (info[0].IsTypedArray()) {
    auto ta = info[0].As<Napi::TypedArray>();
    data = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    len = ta.ByteLength();
  } else if (info[0].IsDataView()) {
    auto dv = info[0].As<Napi::DataView>();
    data = static_cast<uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    len = dv.ByteLength();
  } else {
    ThrowTypeError(env, "Pd.regMr: buffer must be an ArrayBuffer, a typed array or a Buffer");
  }
  if (len == 0 || data == nullptr) ThrowTypeError(env, "Pd.regMr: the buffer is empty; register at least one byte");
  ibv_pd* pd = Get(env, "Pd.regMr");
  ibv_mr* mr = ibv_reg_mr(pd, data, len, access);
  if (!mr) ThrowVerbsError(env, "ibv_reg_mr", errno ? errno : ENOMEM);
  auto h = std::make_shared<MrHandle>(handle, mr);
  handle->AddDependent(h);
  return NewInstance(env, env.GetInstanceData<AddonData>()->mr, h, {info[0]});
}

/** An open Cq given as option `key` (`v`, read beforehand: this runs no JavaScript). */
static std::shared_ptr<CqHandle> CqField(Napi::Env env, const Napi::Value& v, const char* key) {
  return HandleArg<Cq>(env, v, &kCqTag, "Pd.createQp", key, "a Cq from ctx.createCq(cqe)")->handle;
}

// createQp({ sendCq, recvCq, maxSendWr, maxRecvWr, maxSendSge?, maxRecvSge?, maxInlineData?, sqSigAll? }):
// an RC QP in RESET.
Napi::Value Pd::CreateQp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Pd.createQp", 1, "pd.createQp(options)");
  if (info.Length() < 1 || !info[0].IsObject()) ThrowTypeError(env, "Pd.createQp: pass an options object { sendCq, recvCq, maxSendWr, maxRecvWr }");
  Napi::Object o = info[0].As<Napi::Object>();
  CheckKeys(env, o, "Pd.createQp", {"sendCq", "recvCq", "maxSendWr", "maxRecvWr", "maxSendSge", "maxRecvSge", "maxInlineData", "sqSigAll"});
  ibv_qp_init_attr attr{};
  attr.qp_type = IBV_QPT_RC;
  attr.cap.max_send_wr = U32Field(env, o, "Pd.createQp", "maxSendWr", 1 << 16, true);
  attr.cap.max_recv_wr = U32Field(env, o, "Pd.createQp", "maxRecvWr", 1 << 16, true);
  attr.cap.max_send_sge = U32Field(env, o, "Pd.createQp", "maxSendSge", 32, false, 1);
  attr.cap.max_recv_sge = U32Field(env, o, "Pd.createQp", "maxRecvSge", 32, false, 1);
  attr.cap.max_inline_data = U32Field(env, o, "Pd.createQp", "maxInlineData", 1 << 16, false, 0);
  attr.sq_sig_all = BoolField(env, o, "Pd.createQp", "sqSigAll", false) ? 1 : 0;
  // The CQs and the PD last, after every getter ran: a getter may have closed any of them.
  Napi::Value sendCq = o.Get("sendCq"), recvCq = o.Get("recvCq");
  auto scq = CqField(env, sendCq, "sendCq");
  auto rcq = CqField(env, recvCq, "recvCq");
  attr.send_cq = scq->cq;
  attr.recv_cq = rcq->cq;
  ibv_pd* pd = Get(env, "Pd.createQp");
  ibv_qp* qp = ibv_create_qp(pd, &attr);
  if (!qp) ThrowVerbsError(env, "ibv_create_qp", errno ? errno : ENOMEM);
  auto h = std::make_shared<QpHandle>(handle, scq, rcq, qp);
  handle->AddDependent(h);
  scq->AddDependent(h);
  rcq->AddDependent(h);
  return NewInstance(env, env.GetInstanceData<AddonData>()->qp, h);
}

Napi::Value Pd::Close(const Napi::CallbackInfo& info) {
  MaxArgs(info, "Pd.close", 0, "pd.close()");
  int rc = handle ? handle->Close() : 0;
  if (rc) ThrowVerbsError(info.Env(), "ibv_dealloc_pd", rc);
  return info.Env().Undefined();
}

// ---------------------------------------------------------------------------------------- Mr

Napi::Function Mr::Define(Napi::Env env) {
  static const char* from = "an Mr from pd.regMr(buffer, access)";
  static const GetterInfo lkey{&kMrTag, "Mr.lkey", from}, rkey{&kMrTag, "Mr.rkey", from}, addr{&kMrTag, "Mr.addr", from},
      length{&kMrTag, "Mr.length", from}, buffer{&kMrTag, "Mr.buffer", from};
  Napi::Function ctor = DefineClass(env, "Mr", {InstanceMethod<&Mr::Close>("close")});
  DefineTaggedGetter<Mr, &Mr::Lkey>(ctor, "lkey", &lkey);
  DefineTaggedGetter<Mr, &Mr::Rkey>(ctor, "rkey", &rkey);
  DefineTaggedGetter<Mr, &Mr::Addr>(ctor, "addr", &addr);
  DefineTaggedGetter<Mr, &Mr::Length>(ctor, "length", &length);
  DefineTaggedGetter<Mr, &Mr::Buffer>(ctor, "buffer", &buffer);
  return ctor;
}

Mr::Mr(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Mr>(info) {
  handle = TakeHandle<MrHandle>(info, "Mr", "pd.regMr(buffer, access)", &kMrTag);
  base = static_cast<uint8_t*>(handle->mr->addr);
  length = handle->mr->length;
  buffer_ = Napi::Persistent(info[1]);
}

Mr::~Mr() {
  // Deregister before the buffer may be collected: the NIC must stop using the memory first.
  handle.reset();
  buffer_.Reset();
}

ibv_mr* Mr::Get(Napi::Env env, const char* api) {
  if (!handle || handle->closed()) ThrowTypeError(env, std::string(api) + ": the memory region is deregistered; register the buffer again with pd.regMr(buffer, access)");
  return handle->mr;
}

Napi::Value Mr::Lkey(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Get(info.Env(), "Mr.lkey")->lkey); }
Napi::Value Mr::Rkey(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Get(info.Env(), "Mr.rkey")->rkey); }
Napi::Value Mr::Addr(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(reinterpret_cast<uintptr_t>(base)));
}
Napi::Value Mr::Length(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(length)); }
Napi::Value Mr::Buffer(const Napi::CallbackInfo& info) { return buffer_.Value(); }

Napi::Value Mr::Close(const Napi::CallbackInfo& info) {
  MaxArgs(info, "Mr.close", 0, "mr.close()");
  int rc = handle ? handle->Close() : 0;
  if (rc) ThrowVerbsError(info.Env(), "ibv_dereg_mr", rc);
  return info.Env().Undefined();
}

}  // namespace rdmacheck
