// The JavaScript classes: Context (an opened device), Pd, Mr, Cq, Qp. Instances are made only by
// their factories (openDevice, ctx.allocPd, pd.regMr, ctx.createCq, pd.createQp); each wraps a
// shared handle (handles.h) released by close() or, failing that, by the garbage collector.
#pragma once
#include <napi.h>
#include <memory>
#include "args.h"
#include "handles.h"

namespace rdmacheck {

/** Per-environment data: the class constructors, so factories can make instances. */
struct AddonData {
  Napi::FunctionReference context, pd, mr, cq, qp;
};

/** Wraps a freshly made handle into a new instance of the class behind `ctor`. */
template <typename H>
Napi::Object NewInstance(Napi::Env env, Napi::FunctionReference& ctor, std::shared_ptr<H> handle,
                         std::vector<napi_value> extra = {}) {
  auto* holder = new std::shared_ptr<H>(std::move(handle));
  std::vector<napi_value> args = {Napi::External<std::shared_ptr<H>>::New(env, holder)};
  args.insert(args.end(), extra.begin(), extra.end());
  Napi::Object obj;
  try {
    obj = ctor.New(args);
  } catch (...) {
    delete holder;
    throw;
  }
  delete holder;
  return obj;
}

/** One tag per class, set on every instance at construction: an argument is checked against its
 * class's tag, so neither a look-alike object (Object.create(Mr.prototype)) nor a handle of another
 * class can be mistaken for it (a prototype check would accept the first). */
extern const napi_type_tag kContextTag, kPdTag, kMrTag, kCqTag, kQpTag;

/** Throws a TypeError unless the call has at most `max` arguments (`usage` shows the call). */
void MaxArgs(const Napi::CallbackInfo& info, const char* api, size_t max, const char* usage);

/**
 * The wrapped instance of class T behind argument `v`, which must carry `tag` and be open:
 * otherwise a TypeError naming `api`, the argument `what` and where such a handle comes from.
 * Runs no JavaScript (no getters, no proxies), so the pointer it returns is still valid when
 * the caller passes it on at once.
 */
template <typename T>
T* HandleArg(Napi::Env env, const Napi::Value& v, const napi_type_tag* tag, const std::string& api, const char* what,
             const char* from) {
  if (!v.IsObject() || !v.As<Napi::Object>().CheckTypeTag(tag)) {
    ThrowTypeError(env, api + ": " + what + " must be " + from);
  }
  T* obj = T::Unwrap(v.As<Napi::Object>());
  if (!obj->handle || obj->handle->closed()) ThrowTypeError(env, api + ": " + what + " is closed; pass an open one");
  return obj;
}

/** Which class a getter belongs to and its name, for TaggedGetter's check and message. */
struct GetterInfo {
  const napi_type_tag* tag;
  const char* api;
  const char* from;
};

/**
 * A getter that checks its receiver's class tag before unwrapping it. V8 itself refuses a method
 * called on an object of another class ("Illegal invocation"), but not a getter: ObjectWrap's own
 * accessors would unwrap another class's instance as this one (reading past it) or fail with a
 * bare "Invalid argument" on a look-alike.
 */
template <typename T, Napi::Value (T::*M)(const Napi::CallbackInfo&)>
Napi::Value TaggedGetter(const Napi::CallbackInfo& info) {
  const auto* g = static_cast<const GetterInfo*>(info.Data());
  Napi::Value self = info.This();
  if (!self.IsObject() || !self.As<Napi::Object>().CheckTypeTag(g->tag)) {
    ThrowTypeError(info.Env(), std::string(g->api) + ": read it on " + g->from + ", not on another object");
  }
  return (T::Unwrap(self.As<Napi::Object>())->*M)(info);
}

/** Defines the tagged getter `name` on the prototype of `ctor` (see TaggedGetter). */
template <typename T, Napi::Value (T::*M)(const Napi::CallbackInfo&)>
void DefineTaggedGetter(Napi::Function ctor, const char* name, const GetterInfo* info) {
  ctor.Get("prototype").As<Napi::Object>().DefineProperty(
      Napi::PropertyDescriptor::Accessor<TaggedGetter<T, M>>(name, napi_default, const_cast<GetterInfo*>(info)));
}

/** Takes the handle passed by NewInstance and tags the instance; a direct `new X()` from JavaScript is a TypeError. */
template <typename H>
std::shared_ptr<H> TakeHandle(const Napi::CallbackInfo& info, const char* cls, const char* factory,
                              const napi_type_tag* tag) {
  if (info.Length() < 1 || !info[0].IsExternal()) {
    ThrowTypeError(info.Env(), std::string(cls) + ": do not construct directly; use " + factory);
  }
  info.This().As<Napi::Object>().TypeTag(tag);
  return *info[0].As<Napi::External<std::shared_ptr<H>>>().Data();
}

class Context : public Napi::ObjectWrap<Context> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Context(const Napi::CallbackInfo& info);
  std::shared_ptr<ContextHandle> handle;
  /** The open context, or a thrown TypeError when closed. */
  ibv_context* Get(Napi::Env env, const char* api);

 private:
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value QueryPort(const Napi::CallbackInfo& info);
  Napi::Value QueryGid(const Napi::CallbackInfo& info);
  Napi::Value AsyncEvents(const Napi::CallbackInfo& info);
  Napi::Value AllocPd(const Napi::CallbackInfo& info);
  Napi::Value CreateCq(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
};

class Pd : public Napi::ObjectWrap<Pd> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Pd(const Napi::CallbackInfo& info);
  std::shared_ptr<PdHandle> handle;
  ibv_pd* Get(Napi::Env env, const char* api);

 private:
  Napi::Value RegMr(const Napi::CallbackInfo& info);
  Napi::Value CreateQp(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
};

class Mr : public Napi::ObjectWrap<Mr> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Mr(const Napi::CallbackInfo& info);
  ~Mr() override;
  std::shared_ptr<MrHandle> handle;
  ibv_mr* Get(Napi::Env env, const char* api);
  /** Start of the registered bytes (the wrapped buffer's data). */
  uint8_t* base = nullptr;
  size_t length = 0;

 private:
  // Keeps the JavaScript buffer (its memory is what the NIC reads and writes) alive as long as the MR.
  Napi::Reference<Napi::Value> buffer_;
  Napi::Value Lkey(const Napi::CallbackInfo& info);
  Napi::Value Rkey(const Napi::CallbackInfo& info);
  Napi::Value Addr(const Napi::CallbackInfo& info);
  Napi::Value Length(const Napi::CallbackInfo& info);
  Napi::Value Buffer(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
};

class Cq : public Napi::ObjectWrap<Cq> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Cq(const Napi::CallbackInfo& info);
  std::shared_ptr<CqHandle> handle;
  ibv_cq* Get(Napi::Env env, const char* api);

 private:
  Napi::Value Poll(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
};

class Qp : public Napi::ObjectWrap<Qp> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Qp(const Napi::CallbackInfo& info);
  std::shared_ptr<QpHandle> handle;
  ibv_qp* Get(Napi::Env env, const char* api);

 private:
  Napi::Value QpNum(const Napi::CallbackInfo& info);
  Napi::Value Modify(const Napi::CallbackInfo& info);
  Napi::Value Query(const Napi::CallbackInfo& info);
  Napi::Value PostSend(const Napi::CallbackInfo& info);
  Napi::Value PostRecv(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
};

}  // namespace rdmacheck
