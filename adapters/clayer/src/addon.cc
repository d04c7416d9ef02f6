/*
 * rdmacheck_clayer.node: the in-process mode of C-ABI layers. dlopen()s the library into
 * rdmacheck and serves calls with the same dispatcher as the child host (dispatch.c); an env
 * request is a synchronous call of a JavaScript function. No isolation: a crash of the layer is a
 * crash of this process. Built without C++ exceptions, because the layer's C frames cannot be
 * unwound: when JavaScript throws in an env request, the rest of the layer's callback runs
 * against neutral answers and the exception is rethrown once the layer returns.
 */
#include <dlfcn.h>
#include <napi.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "dispatch.h"
}

namespace {

struct AddonTransport {
  clayer_transport base;  // first: the dispatcher sees a clayer_transport*
  napi_env env = nullptr;
  Napi::Function onEnv;
  bool aborted = false;
  uint32_t done = 0;
  std::vector<uint8_t> reply;
};

struct Library {
  void *dl = nullptr;
  clayer_side side{};
  bool closed = false;
};

void Send(clayer_transport *t, const uint8_t *data, size_t len) {
  auto *a = reinterpret_cast<AddonTransport *>(t);
  if (len >= 5 && data[0] == MSG_DONE) {
    std::memcpy(&a->done, data + 1, 4);
    return;
  }
  if (a->aborted) return;
  Napi::Env env(a->env);
  a->onEnv.Call({Napi::Buffer<uint8_t>::Copy(env, data, len)});
  if (env.IsExceptionPending()) a->aborted = true;
}

const uint8_t *Request(clayer_transport *t, const uint8_t *data, size_t len, size_t *reply_len) {
  auto *a = reinterpret_cast<AddonTransport *>(t);
  if (!a->aborted) {
    Napi::Env env(a->env);
    Napi::Value r = a->onEnv.Call({Napi::Buffer<uint8_t>::Copy(env, data, len)});
    if (env.IsExceptionPending()) {
      a->aborted = true;
    } else if (r.IsBuffer()) {
      auto b = r.As<Napi::Buffer<uint8_t>>();
      a->reply.assign(b.Data(), b.Data() + b.Length());
      *reply_len = a->reply.size();
      return a->reply.data();
    }
  }
  // A neutral answer: a refused post ("aborted"), or 0 for a value.
  static const uint8_t neutral[] = {MSG_REPLY, 0, 7, 0, 0, 0, 'a', 'b', 'o', 'r', 't', 'e', 'd', 0, 0, 0, 0};
  *reply_len = sizeof neutral;
  return neutral;
}

void Finalize(Napi::Env, Library *lib) {
  if (!lib->closed) clayer_destroy_all(&lib->side);
  delete lib;
}

Napi::Value Open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "open(library): a path").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string file = info[0].As<Napi::String>();
  void *dl = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    Napi::Error::New(env, dlerror()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto fn = reinterpret_cast<rdmacheck_layer_descriptor_fn>(dlsym(dl, RDMACHECK_LAYER_SYMBOL));
  if (!fn) {
    std::string msg = file + " does not export " RDMACHECK_LAYER_SYMBOL "() (see include/rdmacheck/layer.h)";
    Napi::Error::New(env, msg).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const rdmacheck_layer *layer = fn();
  char why[256];
  if (const char *bad = clayer_check_descriptor(layer, why, sizeof why)) {
    Napi::Error::New(env, file + ": " + bad).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto *lib = new Library();
  lib->dl = dl;
  lib->side.layer = layer;
  Napi::Object out = Napi::Object::New(env);
  out.Set("handle", Napi::External<Library>::New(env, lib, Finalize));
  out.Set("abi", Napi::Number::New(env, layer->abi_version));
  out.Set("name", Napi::String::New(env, layer->name));
  out.Set("transparent", Napi::Boolean::New(env, layer->transparent != 0));
  out.Set("opcodes", Napi::Number::New(env, layer->opcodes));
  return out;
}

Napi::Value Call(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsExternal() || !info[1].IsBuffer() || !info[2].IsFunction()) {
    Napi::TypeError::New(env, "call(handle, message, onEnv)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Library *lib = info[0].As<Napi::External<Library>>().Data();
  if (lib->closed) {
    Napi::Error::New(env, "the library was closed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto msg = info[1].As<Napi::Buffer<uint8_t>>();
  AddonTransport t;
  t.base.send = Send;
  t.base.request = Request;
  t.env = env;
  t.onEnv = info[2].As<Napi::Function>();
  clayer_transport *outer = lib->side.transport;  // a nested call (never expected) keeps its own
  lib->side.transport = &t.base;
  clayer_dispatch(&lib->side, msg.Data(), msg.Length());
  lib->side.transport = outer;
  if (env.IsExceptionPending()) return env.Undefined();
  return Napi::Number::New(env, t.done);
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsExternal()) return env.Undefined();
  Library *lib = info[0].As<Napi::External<Library>>().Data();
  if (!lib->closed) clayer_destroy_all(&lib->side);
  lib->closed = true;
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("call", Napi::Function::New(env, Call));
  exports.Set("close", Napi::Function::New(env, Close));
  return exports;
}

}  // namespace

NODE_API_MODULE(rdmacheck_clayer, Init)
