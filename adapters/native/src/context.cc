// Context: an opened RDMA device. Port and GID queries, async events, and the PD/CQ factories.
#include <fcntl.h>
#include <cerrno>
#include "wrappers.h"

namespace rdmacheck {

Napi::Function Context::Define(Napi::Env env) {
  static const GetterInfo name{&kContextTag, "Context.name", "a Context from openDevice(name)"};
  static const GetterInfo closed{&kContextTag, "Context.closed", "a Context from openDevice(name)"};
  Napi::Function ctor = DefineClass(env, "Context",
                     {InstanceMethod<&Context::QueryPort>("queryPort"),
                      InstanceMethod<&Context::QueryGid>("queryGid"),
                      InstanceMethod<&Context::AsyncEvents>("asyncEvents"),
                      InstanceMethod<&Context::AllocPd>("allocPd"),
                      InstanceMethod<&Context::CreateCq>("createCq"),
                      InstanceMethod<&Context::Close>("close")});
  DefineTaggedGetter<Context, &Context::Name>(ctor, "name", &name);
  DefineTaggedGetter<Context, &Context::Closed>(ctor, "closed", &closed);
  return ctor;
}

Context::Context(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Context>(info) {
  handle = TakeHandle<ContextHandle>(info, "Context", "openDevice(name)", &kContextTag);
}

ibv_context* Context::Get(Napi::Env env, const char* api) {
  if (!handle || handle->closed()) ThrowTypeError(env, std::string(api) + ": the device context is closed; open the device again with openDevice(name)");
  return handle->ctx;
}

Napi::Value Context::Name(const Napi::CallbackInfo& info) {
  ibv_context* ctx = Get(info.Env(), "Context.name");
  return Napi::String::New(info.Env(), ibv_get_device_name(ctx->device));
}

static uint8_t PortArg(const Napi::CallbackInfo& info, const char* api) {
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowTypeError(info.Env(), std::string(api) + ": port must be a number (ports start at 1)");
  double p = info[0].As<Napi::Number>().DoubleValue();
  if (!(p >= 1 && p <= 255 && static_cast<int>(p) == p)) ThrowTypeError(info.Env(), std::string(api) + ": port must be an integer in 1..255");
  return static_cast<uint8_t>(p);
}

Napi::Value Context::QueryPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Context.queryPort", 1, "ctx.queryPort(port)");
  uint8_t port = PortArg(info, "Context.queryPort");
  ibv_context* ctx = Get(env, "Context.queryPort");
  ibv_port_attr attr{};
  int rc = ibv_query_port(ctx, port, &attr);
  if (rc) ThrowVerbsError(env, "ibv_query_port", rc);
  Napi::Object o = Napi::Object::New(env);
  o.Set("state", PortStateName(attr.state));
  o.Set("maxMtu", 128 << attr.max_mtu);
  o.Set("activeMtu", 128 << attr.active_mtu);
  o.Set("gidTblLen", attr.gid_tbl_len);
  o.Set("linkLayer", attr.link_layer == IBV_LINK_LAYER_ETHERNET ? "ETHERNET"
                     : attr.link_layer == IBV_LINK_LAYER_INFINIBAND ? "INFINIBAND" : "UNSPECIFIED");
  o.Set("lid", attr.lid);
  return o;
}

Napi::Value Context::QueryGid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Context.queryGid", 2, "ctx.queryGid(port, index)");
  uint8_t port = PortArg(info, "Context.queryGid");
  if (info.Length() < 2 || !info[1].IsNumber()) ThrowTypeError(env, "Context.queryGid: index must be a number");
  double idx = info[1].As<Napi::Number>().DoubleValue();
  if (!(idx >= 0 && idx < 65536 && static_cast<int>(idx) == idx)) ThrowTypeError(env, "Context.queryGid: index must be an integer >= 0");
  ibv_context* ctx = Get(env, "Context.queryGid");
  ibv_gid gid{};
  int rc = ibv_query_gid(ctx, port, static_cast<int>(idx), &gid);
  if (rc) ThrowVerbsError(env, "ibv_query_gid", errno ? errno : EINVAL);
  return Napi::String::New(env, GidToHex(gid));
}

// Async events are read without blocking: the fd is switched to O_NONBLOCK once, and every event
// is acknowledged at once (its fields are copied out first), so destroy calls never wait on us.
Napi::Value Context::AsyncEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Context.asyncEvents", 0, "ctx.asyncEvents()");
  ibv_context* ctx = Get(env, "Context.asyncEvents");
  int flags = fcntl(ctx->async_fd, F_GETFL);
  if (flags < 0) ThrowVerbsError(env, "fcntl", errno);
  if (!(flags & O_NONBLOCK) && fcntl(ctx->async_fd, F_SETFL, flags | O_NONBLOCK) < 0) ThrowVerbsError(env, "fcntl", errno);
  Napi::Array out = Napi::Array::New(env);
  for (uint32_t n = 0; n < 64; n++) {
    ibv_async_event ev;
    if (ibv_get_async_event(ctx, &ev)) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      ThrowVerbsError(env, "ibv_get_async_event", errno);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", AsyncEventName(ev.event_type));
    switch (ev.event_type) {
      case IBV_EVENT_PORT_ACTIVE: case IBV_EVENT_PORT_ERR: case IBV_EVENT_LID_CHANGE: case IBV_EVENT_PKEY_CHANGE:
      case IBV_EVENT_SM_CHANGE: case IBV_EVENT_CLIENT_REREGISTER: case IBV_EVENT_GID_CHANGE:
        o.Set("port", ev.element.port_num);
        break;
      case IBV_EVENT_QP_FATAL: case IBV_EVENT_QP_REQ_ERR: case IBV_EVENT_QP_ACCESS_ERR: case IBV_EVENT_COMM_EST:
      case IBV_EVENT_SQ_DRAINED: case IBV_EVENT_PATH_MIG: case IBV_EVENT_PATH_MIG_ERR: case IBV_EVENT_QP_LAST_WQE_REACHED:
        o.Set("qpNum", ev.element.qp->qp_num);
        break;
      default:
        break;
    }
    ibv_ack_async_event(&ev);
    out.Set(n, o);
  }
  return out;
}

Napi::Value Context::AllocPd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Context.allocPd", 0, "ctx.allocPd()");
  ibv_context* ctx = Get(env, "Context.allocPd");
  ibv_pd* pd = ibv_alloc_pd(ctx);
  if (!pd) ThrowVerbsError(env, "ibv_alloc_pd", errno ? errno : ENOMEM);
  auto h = std::make_shared<PdHandle>(handle, pd);
  handle->AddDependent(h);
  return NewInstance(env, env.GetInstanceData<AddonData>()->pd, h);
}

Napi::Value Context::CreateCq(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Context.createCq", 1, "ctx.createCq(cqe)");
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowTypeError(env, "Context.createCq: cqe (the queue depth) must be a number");
  double cqe = info[0].As<Napi::Number>().DoubleValue();
  if (!(cqe >= 1 && cqe <= 65536 && static_cast<int>(cqe) == cqe)) ThrowTypeError(env, "Context.createCq: cqe must be an integer in 1..65536");
  ibv_context* ctx = Get(env, "Context.createCq");
  ibv_cq* cq = ibv_create_cq(ctx, static_cast<int>(cqe), nullptr, nullptr, 0);
  if (!cq) ThrowVerbsError(env, "ibv_create_cq", errno ? errno : ENOMEM);
  auto h = std::make_shared<CqHandle>(handle, cq);
  handle->AddDependent(h);
  return NewInstance(env, env.GetInstanceData<AddonData>()->cq, h);
}

Napi::Value Context::Close(const Napi::CallbackInfo& info) {
  MaxArgs(info, "Context.close", 0, "ctx.close()");
  int rc = handle ? handle->Close() : 0;
  if (rc) ThrowVerbsError(info.Env(), "ibv_close_device", rc);
  return info.Env().Undefined();
}

Napi::Value Context::Closed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !handle || handle->closed());
}

}  // namespace rdmacheck
