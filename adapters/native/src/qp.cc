// Qp: an RC queue pair. State transitions with their attributes, batched post_send, post_recv.
#include <arpa/inet.h>
#include <cerrno>
#include "wrappers.h"

namespace rdmacheck {

Napi::Function Qp::Define(Napi::Env env) {
  static const GetterInfo qpNum{&kQpTag, "Qp.qpNum", "a Qp from pd.createQp(options)"};
  Napi::Function ctor = DefineClass(env, "Qp",
                     {InstanceMethod<&Qp::Modify>("modify"),
                      InstanceMethod<&Qp::Query>("query"), InstanceMethod<&Qp::PostSend>("postSend"),
                      InstanceMethod<&Qp::PostRecv>("postRecv"), InstanceMethod<&Qp::Close>("close")});
  DefineTaggedGetter<Qp, &Qp::QpNum>(ctor, "qpNum", &qpNum);
  return ctor;
}

Qp::Qp(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Qp>(info) {
  handle = TakeHandle<QpHandle>(info, "Qp", "pd.createQp(options)", &kQpTag);
}

ibv_qp* Qp::Get(Napi::Env env, const char* api) {
  if (!handle || handle->closed()) ThrowTypeError(env, std::string(api) + ": the queue pair is destroyed; create another with pd.createQp(options)");
  return handle->qp;
}

Napi::Value Qp::QpNum(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Get(info.Env(), "Qp.qpNum")->qp_num); }

static ibv_mtu MtuFromBytes(Napi::Env env, uint32_t bytes) {
  switch (bytes) {
    case 256: return IBV_MTU_256;
    case 512: return IBV_MTU_512;
    case 1024: return IBV_MTU_1024;
    case 2048: return IBV_MTU_2048;
    case 4096: return IBV_MTU_4096;
    default: ThrowTypeError(env, "Qp.modify: pathMtu must be 256, 512, 1024, 2048 or 4096");
  }
}

// modify({ state, ...attributes }): ibv_modify_qp with the mask made of exactly the given keys.
// INIT: pkeyIndex, portNum, access. RTR: pathMtu, destQpNum, rqPsn, maxDestRdAtomic, minRnrTimer,
// ah { dgid (32 hex digits), sgidIndex, portNum, hopLimit }. RTS: timeout, retryCnt, rnrRetry,
// sqPsn, maxRdAtomic. RESET and ERR need nothing else.
Napi::Value Qp::Modify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* api = "Qp.modify";
  MaxArgs(info, api, 1, "qp.modify(attributes)");
  if (info.Length() < 1 || !info[0].IsObject()) ThrowTypeError(env, "Qp.modify: pass the attributes, e.g. { state: 'INIT', portNum: 1, access: [...] }");
  Napi::Object o = info[0].As<Napi::Object>();
  CheckKeys(env, o, api, {"state", "pkeyIndex", "portNum", "access", "pathMtu", "destQpNum", "rqPsn", "maxDestRdAtomic",
                          "minRnrTimer", "ah", "timeout", "retryCnt", "rnrRetry", "sqPsn", "maxRdAtomic"});
  ibv_qp_attr attr{};
  int mask = 0;
  Napi::Value st = o.Get("state");
  if (!st.IsString() || !QpStateFromName(st.As<Napi::String>().Utf8Value(), &attr.qp_state)) {
    ThrowTypeError(env, "Qp.modify: state must be one of RESET, INIT, RTR, RTS, SQD, SQE, ERR");
  }
  mask |= IBV_QP_STATE;
  auto has = [&](const char* k) { return !o.Get(k).IsUndefined(); };
  if (has("pkeyIndex")) { attr.pkey_index = U32Field(env, o, api, "pkeyIndex", 0xffff, true); mask |= IBV_QP_PKEY_INDEX; }
  if (has("portNum")) { attr.port_num = U32Field(env, o, api, "portNum", 255, true); mask |= IBV_QP_PORT; }
  if (has("access")) { attr.qp_access_flags = AccessFlags(env, o.Get("access"), api); mask |= IBV_QP_ACCESS_FLAGS; }
  if (has("pathMtu")) { attr.path_mtu = MtuFromBytes(env, U32Field(env, o, api, "pathMtu", 4096, true)); mask |= IBV_QP_PATH_MTU; }
  if (has("destQpNum")) { attr.dest_qp_num = U32Field(env, o, api, "destQpNum", 0xffffff, true); mask |= IBV_QP_DEST_QPN; }
  if (has("rqPsn")) { attr.rq_psn = U32Field(env, o, api, "rqPsn", 0xffffff, true); mask |= IBV_QP_RQ_PSN; }
  if (has("maxDestRdAtomic")) { attr.max_dest_rd_atomic = U32Field(env, o, api, "maxDestRdAtomic", 255, true); mask |= IBV_QP_MAX_DEST_RD_ATOMIC; }
  if (has("minRnrTimer")) { attr.min_rnr_timer = U32Field(env, o, api, "minRnrTimer", 31, true); mask |= IBV_QP_MIN_RNR_TIMER; }
  if (has("timeout")) { attr.timeout = U32Field(env, o, api, "timeout", 31, true); mask |= IBV_QP_TIMEOUT; }
  if (has("retryCnt")) { attr.retry_cnt = U32Field(env, o, api, "retryCnt", 7, true); mask |= IBV_QP_RETRY_CNT; }
  if (has("rnrRetry")) { attr.rnr_retry = U32Field(env, o, api, "rnrRetry", 7, true); mask |= IBV_QP_RNR_RETRY; }
  if (has("sqPsn")) { attr.sq_psn = U32Field(env, o, api, "sqPsn", 0xffffff, true); mask |= IBV_QP_SQ_PSN; }
  if (has("maxRdAtomic")) { attr.max_rd_atomic = U32Field(env, o, api, "maxRdAtomic", 255, true); mask |= IBV_QP_MAX_QP_RD_ATOMIC; }
  if (has("ah")) {
    Napi::Value av = o.Get("ah");
    if (!av.IsObject()) ThrowTypeError(env, "Qp.modify: ah must be an object { dgid, sgidIndex, portNum, hopLimit }");
    Napi::Object ah = av.As<Napi::Object>();
    CheckKeys(env, ah, "Qp.modify(ah)", {"dgid", "sgidIndex", "portNum", "hopLimit", "dlid", "sl"});
    Napi::Value dgid = ah.Get("dgid");
    if (!dgid.IsUndefined()) {
      if (!dgid.IsString() || !GidFromHex(dgid.As<Napi::String>().Utf8Value(), &attr.ah_attr.grh.dgid)) {
        ThrowTypeError(env, "Qp.modify: ah.dgid must be 32 hex digits (as ctx.queryGid returns)");
      }
      attr.ah_attr.is_global = 1;
      attr.ah_attr.grh.sgid_index = U32Field(env, ah, "Qp.modify(ah)", "sgidIndex", 255, true);
      attr.ah_attr.grh.hop_limit = U32Field(env, ah, "Qp.modify(ah)", "hopLimit", 255, false, 64);
    }
    attr.ah_attr.port_num = U32Field(env, ah, "Qp.modify(ah)", "portNum", 255, false, 1);
    attr.ah_attr.dlid = U32Field(env, ah, "Qp.modify(ah)", "dlid", 0xffff, false, 0);
    attr.ah_attr.sl = U32Field(env, ah, "Qp.modify(ah)", "sl", 15, false, 0);
    mask |= IBV_QP_AV;
  }
  // Only now: the getters above may have destroyed the QP.
  ibv_qp* qp = Get(env, api);
  int rc = ibv_modify_qp(qp, &attr, mask);
  if (rc) ThrowVerbsError(env, "ibv_modify_qp", rc);
  return env.Undefined();
}

Napi::Value Qp::Query(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MaxArgs(info, "Qp.query", 0, "qp.query()");
  ibv_qp* qp = Get(env, "Qp.query");
  ibv_qp_attr attr{};
  ibv_qp_init_attr init{};
  int mask = IBV_QP_STATE | IBV_QP_CUR_STATE | IBV_QP_SQ_PSN | IBV_QP_RQ_PSN | IBV_QP_DEST_QPN | IBV_QP_TIMEOUT |
             IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_MIN_RNR_TIMER | IBV_QP_MAX_QP_RD_ATOMIC |
             IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_PATH_MTU;
  int rc = ibv_query_qp(qp, &attr, mask, &init);
  if (rc) ThrowVerbsError(env, "ibv_query_qp", rc);
  Napi::Object o = Napi::Object::New(env);
  o.Set("state", QpStateName(attr.qp_state));
  o.Set("sqPsn", attr.sq_psn);
  o.Set("rqPsn", attr.rq_psn);
  o.Set("destQpNum", attr.dest_qp_num);
  o.Set("timeout", attr.timeout);
  o.Set("retryCnt", attr.retry_cnt);
  o.Set("rnrRetry", attr.rnr_retry);
  o.Set("minRnrTimer", attr.min_rnr_timer);
  o.Set("maxRdAtomic", attr.max_rd_atomic);
  o.Set("maxDestRdAtomic", attr.max_dest_rd_atomic);
  o.Set("pathMtu", 128 << attr.path_mtu);
  return o;
}

/** One scatter/gather entry from { mr, offset, length }, bounds-checked against the MR. */
static ibv_sge SgeFrom(Napi::Env env, const Napi::Value& v, const char* api) {
  if (!v.IsObject()) ThrowTypeError(env, std::string(api) + ": local must be { mr, offset, length }");
  Napi::Object o = v.As<Napi::Object>();
  CheckKeys(env, o, (std::string(api) + "(local)").c_str(), {"mr", "offset", "length"});
  uint32_t offset = U32Field(env, o, api, "offset", 0xffffffffu, false, 0);
  uint32_t length = U32Field(env, o, api, "length", 0x7fffffffu, true);
  // The MR after the numbers: their getters may have deregistered it.
  Napi::Value mv = o.Get("mr");
  Mr* mr = HandleArg<Mr>(env, mv, &kMrTag, api, "local.mr", "an Mr from pd.regMr(buffer, access)");
  ibv_mr* m = mr->handle->mr;
  if (static_cast<uint64_t>(offset) + length > mr->length) {
    ThrowTypeError(env, std::string(api) + ": local range " + std::to_string(offset) + "+" + std::to_string(length) +
                            " is outside the MR (" + std::to_string(mr->length) + " bytes)");
  }
  ibv_sge sge{};
  sge.addr = reinterpret_cast<uintptr_t>(mr->base) + offset;
  sge.length = length;
  sge.lkey = m->lkey;
  return sge;
}

static Napi::Array ListArg(const Napi::CallbackInfo& info, const char* api, const char* usage) {
  MaxArgs(info, api, 1, usage);
  if (info.Length() < 1 || !info[0].IsArray()) ThrowTypeError(info.Env(), std::string(api) + ": pass an array of work requests");
  Napi::Array a = info[0].As<Napi::Array>();
  if (a.Length() == 0 || a.Length() > 4096) ThrowTypeError(info.Env(), std::string(api) + ": the list must hold 1..4096 work requests");
  return a;
}

/** Throws the post error with the index of the first WR the provider refused. */
[[noreturn]] static void ThrowPostError(Napi::Env env, const char* verb, int rc, long badIndex) {
  try {
    ThrowVerbsError(env, verb, rc);
  } catch (Napi::Error& e) {
    e.Set("badIndex", Napi::Number::New(env, static_cast<double>(badIndex)));
    throw;
  }
}

// postSend([{ wrId, opcode, local?, remoteAddr?, rkey?, compareAdd?, swap?, imm?, signaled?, fence? }]):
// one ibv_post_send for the whole list (chained). opcode: WRITE, WRITE_WITH_IMM, SEND,
// SEND_WITH_IMM, READ, CMP_SWAP, FETCH_ADD. Atomics need an 8-byte local buffer and an 8-aligned
// remote address.
Napi::Value Qp::PostSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* api = "Qp.postSend";
  Napi::Array list = ListArg(info, api, "qp.postSend([wr, ...])");
  uint32_t n = list.Length();
  std::vector<ibv_send_wr> wrs(n);
  std::vector<ibv_sge> sges(n);
  for (uint32_t i = 0; i < n; i++) {
    Napi::Value item = list.Get(i);
    if (!item.IsObject()) ThrowTypeError(env, "Qp.postSend: every work request must be an object");
    Napi::Object o = item.As<Napi::Object>();
    CheckKeys(env, o, api, {"wrId", "opcode", "local", "remoteAddr", "rkey", "compareAdd", "swap", "imm", "signaled", "fence", "inline"});
    ibv_send_wr& wr = wrs[i];
    wr = ibv_send_wr{};
    wr.wr_id = ToU64(env, o.Get("wrId"), api, "wrId");
    Napi::Value opv = o.Get("opcode");
    std::string op = opv.IsString() ? opv.As<Napi::String>().Utf8Value() : "";
    bool remote = true, atomic = false;
    if (op == "WRITE") wr.opcode = IBV_WR_RDMA_WRITE;
    else if (op == "WRITE_WITH_IMM") wr.opcode = IBV_WR_RDMA_WRITE_WITH_IMM;
    else if (op == "READ") wr.opcode = IBV_WR_RDMA_READ;
    else if (op == "SEND") { wr.opcode = IBV_WR_SEND; remote = false; }
    else if (op == "SEND_WITH_IMM") { wr.opcode = IBV_WR_SEND_WITH_IMM; remote = false; }
    else if (op == "CMP_SWAP") { wr.opcode = IBV_WR_ATOMIC_CMP_AND_SWP; atomic = true; }
    else if (op == "FETCH_ADD") { wr.opcode = IBV_WR_ATOMIC_FETCH_AND_ADD; atomic = true; }
    else ThrowTypeError(env, "Qp.postSend: opcode must be WRITE, WRITE_WITH_IMM, READ, SEND, SEND_WITH_IMM, CMP_SWAP or FETCH_ADD");
    Napi::Value local = o.Get("local");
    if (!local.IsUndefined()) {
      sges[i] = SgeFrom(env, local, api);
      wr.sg_list = &sges[i];
      wr.num_sge = 1;
    }
    if (atomic && (wr.num_sge != 1 || sges[i].length != 8)) ThrowTypeError(env, "Qp.postSend: an atomic needs local of exactly 8 bytes for the old value");
    if (wr.opcode == IBV_WR_RDMA_READ && wr.num_sge == 0) ThrowTypeError(env, "Qp.postSend: READ needs local, where the data lands");
    if (remote) {
      if (o.Get("remoteAddr").IsUndefined() || o.Get("rkey").IsUndefined()) ThrowTypeError(env, "Qp.postSend: " + op + " needs remoteAddr and rkey");
      uint64_t raddr = ToU64(env, o.Get("remoteAddr"), api, "remoteAddr");
      uint32_t rkey = U32Field(env, o, api, "rkey", 0xffffffffu, true);
      if (atomic) {
        if (raddr % 8) ThrowTypeError(env, "Qp.postSend: an atomic's remoteAddr must be 8-byte aligned");
        wr.wr.atomic.remote_addr = raddr;
        wr.wr.atomic.rkey = rkey;
        if (o.Get("compareAdd").IsUndefined()) ThrowTypeError(env, "Qp.postSend: " + op + " needs compareAdd");
        wr.wr.atomic.compare_add = ToU64(env, o.Get("compareAdd"), api, "compareAdd");
        if (wr.opcode == IBV_WR_ATOMIC_CMP_AND_SWP) {
          if (o.Get("swap").IsUndefined()) ThrowTypeError(env, "Qp.postSend: CMP_SWAP needs swap");
          wr.wr.atomic.swap = ToU64(env, o.Get("swap"), api, "swap");
        }
      } else {
        wr.wr.rdma.remote_addr = raddr;
        wr.wr.rdma.rkey = rkey;
      }
    }
    if (wr.opcode == IBV_WR_RDMA_WRITE_WITH_IMM || wr.opcode == IBV_WR_SEND_WITH_IMM) {
      wr.imm_data = htonl(U32Field(env, o, api, "imm", 0xffffffffu, true));
    }
    if (BoolField(env, o, api, "signaled", true)) wr.send_flags |= IBV_SEND_SIGNALED;
    if (BoolField(env, o, api, "fence", false)) wr.send_flags |= IBV_SEND_FENCE;
    if (BoolField(env, o, api, "inline", false)) wr.send_flags |= IBV_SEND_INLINE;
    wr.next = i + 1 < n ? &wrs[i + 1] : nullptr;
  }
  // Only now: the WRs' getters may have destroyed the QP.
  ibv_qp* qp = Get(env, api);
  ibv_send_wr* bad = nullptr;
  int rc = ibv_post_send(qp, wrs.data(), &bad);
  if (rc) ThrowPostError(env, "ibv_post_send", rc, bad ? static_cast<long>(bad - wrs.data()) : 0);
  return env.Undefined();
}

// postRecv([{ wrId, local? }]): one ibv_post_recv for the whole list.
Napi::Value Qp::PostRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* api = "Qp.postRecv";
  Napi::Array list = ListArg(info, api, "qp.postRecv([wr, ...])");
  uint32_t n = list.Length();
  std::vector<ibv_recv_wr> wrs(n);
  std::vector<ibv_sge> sges(n);
  for (uint32_t i = 0; i < n; i++) {
    Napi::Value item = list.Get(i);
    if (!item.IsObject()) ThrowTypeError(env, "Qp.postRecv: every work request must be an object");
    Napi::Object o = item.As<Napi::Object>();
    CheckKeys(env, o, api, {"wrId", "local"});
    wrs[i] = ibv_recv_wr{};
    wrs[i].wr_id = ToU64(env, o.Get("wrId"), api, "wrId");
    if (!o.Get("local").IsUndefined()) {
      sges[i] = SgeFrom(env, o.Get("local"), api);
      wrs[i].sg_list = &sges[i];
      wrs[i].num_sge = 1;
    }
    wrs[i].next = i + 1 < n ? &wrs[i + 1] : nullptr;
  }
  ibv_qp* qp = Get(env, api);
  ibv_recv_wr* bad = nullptr;
  int rc = ibv_post_recv(qp, wrs.data(), &bad);
  if (rc) ThrowPostError(env, "ibv_post_recv", rc, bad ? static_cast<long>(bad - wrs.data()) : 0);
  return env.Undefined();
}

Napi::Value Qp::Close(const Napi::CallbackInfo& info) {
  MaxArgs(info, "Qp.close", 0, "qp.close()");
  int rc = handle ? handle->Close() : 0;
  if (rc) ThrowVerbsError(info.Env(), "ibv_destroy_qp", rc);
  return info.Env().Undefined();
}

}  // namespace rdmacheck
