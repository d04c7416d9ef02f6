//! fail-stop (UCX, NCCL's default) as an rdmacheck layer in Rust, as src/layers/failStop.ts:
//! every WR and RECV on path 0, every completion handed over as it is; after the first error or
//! a PORT_ERR of path 0 the endpoint is closed and later WRs complete at once with WR_FLUSH_ERR.
//! Build: `cargo build --release` -> target/release/libfail_stop_rs.so; then
//! `npx rdmacheck audit target/release/libfail_stop_rs.so`.
mod abi;

use abi::*;
use std::ffi::c_void;

struct FailStop {
    env: *mut Env,
    closed: bool,
}

impl FailStop {
    fn flush_err(&self, id: i64, opcode: u32) {
        let wc = Wc { wr_id: id, status: WC_WR_FLUSH_ERR, opcode, flags: 0, reserved: 0, value: 0, imm: 0, payload: std::ptr::null(), payload_len: 0 };
        // SAFETY: env is valid from create until destroy (the ABI's promise).
        unsafe { ((*self.env).deliver)(self.env, &wc, std::ptr::null()) }
    }
}

fn this<'a>(instance: *mut c_void) -> &'a mut FailStop {
    // SAFETY: rdmacheck passes back the pointer create returned, until destroy.
    unsafe { &mut *(instance as *mut FailStop) }
}

extern "C" fn create(env: *mut Env) -> *mut c_void {
    Box::into_raw(Box::new(FailStop { env, closed: false })) as *mut c_void
}

extern "C" fn destroy(instance: *mut c_void) {
    // SAFETY: the pointer came from Box::into_raw in create and is destroyed once.
    drop(unsafe { Box::from_raw(instance as *mut FailStop) });
}

extern "C" fn post_send(instance: *mut c_void, wr: *const SendWr) {
    let l = this(instance);
    // SAFETY: wr and env are valid during the callback.
    let (id, opcode) = unsafe { ((*wr).id, (*wr).opcode) };
    if l.closed || unsafe { ((*l.env).post)(l.env, 0, wr) }.ok == 0 {
        l.closed = true;
        l.flush_err(id, opcode);
    }
}

extern "C" fn post_recv(instance: *mut c_void, wr_id: i64) {
    let l = this(instance);
    // A RECV of a closed endpoint stays posted on the failed QP (it flushes from there).
    if unsafe { ((*l.env).post_recv)(l.env, 0, wr_id) }.ok == 0 {
        l.flush_err(wr_id, RECV);
    }
}

extern "C" fn on_completion(instance: *mut c_void, _path: u32, wc: *const Wc) {
    let l = this(instance);
    if unsafe { (*wc).status } != WC_SUCCESS {
        l.closed = true;
    }
    unsafe { ((*l.env).deliver)(l.env, wc, std::ptr::null()) }
}

extern "C" fn on_port_event(instance: *mut c_void, path: u32, event: u32) {
    if path == 0 && event == PORT_ERR {
        this(instance).closed = true;
    }
}

static DESCRIPTOR: Layer = Layer {
    abi_version: ABI_VERSION,
    size: std::mem::size_of::<Layer>() as u32,
    name: b"fail-stop\0".as_ptr() as *const _,
    transparent: 1,
    opcodes: 0,
    create,
    destroy,
    post_send,
    post_recv,
    on_completion,
    on_port_event: Some(on_port_event),
    on_timer: None,
    on_control: None,
};

/// The one symbol rdmacheck looks for.
#[no_mangle]
pub extern "C" fn rdmacheck_layer_descriptor() -> *const Layer {
    &DESCRIPTOR
}
