// rdmacheck's libibverbs binding: module entry, device list, openDevice.
#include <cerrno>
#include <cstdio>
#include "wrappers.h"

namespace rdmacheck {

static std::string HexGuid(__be64 guid) {
  uint64_t g = be64toh(guid);
  char buf[20];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(g));
  return buf;
}

/** getDevices(): [{ name, guid, transport }] - what ibv_devices prints. */
static Napi::Value GetDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "getDevices", 0, "getDevices()");
  int n = 0;
  errno = 0;
  ibv_device** list = ibv_get_device_list(&n);
  if (!list) ThrowVerbsError(env, "ibv_get_device_list", errno ? errno : ENOSYS);
  Napi::Array out = Napi::Array::New(env);
  for (int i = 0; i < n; i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", ibv_get_device_name(list[i]));
    o.Set("guid", HexGuid(ibv_get_device_guid(list[i])));
    o.Set("transport", list[i]->transport_type == IBV_TRANSPORT_IB ? "IB" : "OTHER");
    out.Set(i, o);
  }
  ibv_free_device_list(list);
  return out;
}

/** openDevice(name): a Context for the named device; Error (ENODEV) when there is none. */
static Napi::Value OpenDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "openDevice", 1, "openDevice(name)");
  if (info.Length() < 1 || !info[0].IsString()) ThrowTypeError(env, "openDevice: name must be a string such as 'rxe0'");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int n = 0;
  errno = 0;
  ibv_device** list = ibv_get_device_list(&n);
  if (!list) ThrowVerbsError(env, "ibv_get_device_list", errno ? errno : ENOSYS);
  ibv_context* ctx = nullptr;
  bool found = false;
  int err = 0;
  for (int i = 0; i < n; i++) {
    if (name == ibv_get_device_name(list[i])) {
      found = true;
      ctx = ibv_open_device(list[i]);
      if (!ctx) err = errno ? errno : EIO;
      break;
    }
  }
  ibv_free_device_list(list);
  if (!found) ThrowVerbsError(env, "ibv_open_device", ENODEV);
  if (!ctx) ThrowVerbsError(env, "ibv_open_device", err);
  return NewInstance(env, env.GetInstanceData<AddonData>()->context, std::make_shared<ContextHandle>(ctx));
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);
  Napi::Function context = Context::Define(env), pd = Pd::Define(env), mr = Mr::Define(env), cq = Cq::Define(env),
                 qp = Qp::Define(env);
  data->context = Napi::Persistent(context);
  data->pd = Napi::Persistent(pd);
  data->mr = Napi::Persistent(mr);
  data->cq = Napi::Persistent(cq);
  data->qp = Napi::Persistent(qp);
  exports.Set("getDevices", Napi::Function::New(env, GetDevices, "getDevices"));
  exports.Set("openDevice", Napi::Function::New(env, OpenDevice, "openDevice"));
  exports.Set("Context", context);
  exports.Set("Pd", pd);
  exports.Set("Mr", mr);
  exports.Set("Cq", cq);
  exports.Set("Qp", qp);
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace rdmacheck

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return rdmacheck::Init(env, exports); }

NODE_API_MODULE(rdmacheck_verbs, InitModule)
