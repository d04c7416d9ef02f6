// Owned verbs resources as a tree of shared handles. A child keeps its parent alive (shared_ptr),
// so a QP is always destroyed before its PD, CQs and device context, whatever order JavaScript's
// garbage collector finalizes the wrappers in. close() on a parent closes its dependents first.
#pragma once
#include <infiniband/verbs.h>
#include <memory>
#include <vector>

namespace rdmacheck {

class Handle {
 public:
  virtual ~Handle() = default;
  /** Releases dependents, then this resource; returns 0 or the errno of this resource's release. */
  int Close() {
    if (closed_) return 0;
    for (auto it = dependents_.rbegin(); it != dependents_.rend(); ++it) {
      if (auto dep = it->lock()) dep->Close();
    }
    dependents_.clear();
    closed_ = true;
    return Release();
  }
  bool closed() const { return closed_; }
  void AddDependent(const std::shared_ptr<Handle>& dep) {
    // Drop expired entries so long-lived parents do not grow without bound.
    std::vector<std::weak_ptr<Handle>> live;
    for (auto& w : dependents_) if (!w.expired()) live.push_back(w);
    live.push_back(dep);
    dependents_.swap(live);
  }

 protected:
  virtual int Release() = 0;

 private:
  bool closed_ = false;
  std::vector<std::weak_ptr<Handle>> dependents_;
};

struct ContextHandle : Handle {
  explicit ContextHandle(ibv_context* c) : ctx(c) {}
  ~ContextHandle() override { Close(); }
  ibv_context* ctx;
 protected:
  int Release() override { int rc = ctx ? ibv_close_device(ctx) : 0; ctx = nullptr; return rc ? errno : 0; }
};

struct PdHandle : Handle {
  PdHandle(std::shared_ptr<ContextHandle> c, ibv_pd* p) : ctx(std::move(c)), pd(p) {}
  ~PdHandle() override { Close(); }
  std::shared_ptr<ContextHandle> ctx;
  ibv_pd* pd;
 protected:
  int Release() override { int rc = pd ? ibv_dealloc_pd(pd) : 0; pd = nullptr; return rc; }
};

struct MrHandle : Handle {
  MrHandle(std::shared_ptr<PdHandle> p, ibv_mr* m) : pd(std::move(p)), mr(m) {}
  ~MrHandle() override { Close(); }
  std::shared_ptr<PdHandle> pd;
  ibv_mr* mr;
 protected:
  int Release() override { int rc = mr ? ibv_dereg_mr(mr) : 0; mr = nullptr; return rc; }
};

struct CqHandle : Handle {
  CqHandle(std::shared_ptr<ContextHandle> c, ibv_cq* q) : ctx(std::move(c)), cq(q) {}
  ~CqHandle() override { Close(); }
  std::shared_ptr<ContextHandle> ctx;
  ibv_cq* cq;
 protected:
  int Release() override { int rc = cq ? ibv_destroy_cq(cq) : 0; cq = nullptr; return rc; }
};

struct QpHandle : Handle {
  QpHandle(std::shared_ptr<PdHandle> p, std::shared_ptr<CqHandle> s, std::shared_ptr<CqHandle> r, ibv_qp* q)
      : pd(std::move(p)), sendCq(std::move(s)), recvCq(std::move(r)), qp(q) {}
  ~QpHandle() override { Close(); }
  std::shared_ptr<PdHandle> pd;
  std::shared_ptr<CqHandle> sendCq, recvCq;
  ibv_qp* qp;
 protected:
  int Release() override { int rc = qp ? ibv_destroy_qp(qp) : 0; qp = nullptr; return rc; }
};

}  // namespace rdmacheck
