//! The C ABI of include/rdmacheck/layer.h (version 1), restated in Rust. Keep in step with the header.
#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_void};

pub const ABI_VERSION: u32 = 1;
pub const RECV: u32 = 6;
pub const WC_SUCCESS: u32 = 0;
pub const WC_WR_FLUSH_ERR: u32 = 1;
pub const PORT_ERR: u32 = 0;

#[repr(C)]
pub struct SendWr {
    pub id: i64,
    pub opcode: u32,
    pub flags: u32,
    pub addr: i64,
    pub value: i64,
    pub add: i64,
    pub compare: i64,
    pub swap: i64,
    pub imm: i64,
    pub payload: *const i64,
    pub payload_len: usize,
}

#[repr(C)]
pub struct Wc {
    pub wr_id: i64,
    pub status: u32,
    pub opcode: u32,
    pub flags: u32,
    pub reserved: u32,
    pub value: i64,
    pub imm: i64,
    pub payload: *const i64,
    pub payload_len: usize,
}

#[repr(C)]
pub struct PostResult {
    pub ok: c_int,
    pub error: *const c_char,
}

#[repr(C)]
pub struct Env {
    pub abi_version: u32,
    pub size: u32,
    pub host: c_char,
    pub paths: u32,
    pub memory_words: i64,
    pub layer_memory_words: i64,
    pub loader: *mut c_void,
    pub post: extern "C" fn(*mut Env, u32, *const SendWr) -> PostResult,
    pub post_recv: extern "C" fn(*mut Env, u32, i64) -> PostResult,
    pub reset: extern "C" fn(*mut Env, u32, u32, u32),
    pub move_to_error: extern "C" fn(*mut Env, u32),
    pub deliver: extern "C" fn(*mut Env, *const Wc, *const i64),
    pub set_timer: extern "C" fn(*mut Env, i64, *const c_char),
    pub send_control: extern "C" fn(*mut Env, *const c_void, usize),
    pub now: extern "C" fn(*mut Env) -> i64,
    pub mem_read: extern "C" fn(*mut Env, i64, *const i64) -> i64,
    pub mem_write: extern "C" fn(*mut Env, i64, i64, *const i64),
    pub mem_fetch_add: extern "C" fn(*mut Env, i64, i64, *const i64) -> i64,
    pub mem_cmp_swap: extern "C" fn(*mut Env, i64, i64, i64, *const i64) -> i64,
}

#[repr(C)]
pub struct Layer {
    pub abi_version: u32,
    pub size: u32,
    pub name: *const c_char,
    pub transparent: c_int,
    pub opcodes: u32,
    pub create: extern "C" fn(*mut Env) -> *mut c_void,
    pub destroy: extern "C" fn(*mut c_void),
    pub post_send: extern "C" fn(*mut c_void, *const SendWr),
    pub post_recv: extern "C" fn(*mut c_void, i64),
    pub on_completion: extern "C" fn(*mut c_void, u32, *const Wc),
    pub on_port_event: Option<extern "C" fn(*mut c_void, u32, u32)>,
    pub on_timer: Option<extern "C" fn(*mut c_void, *const c_char)>,
    pub on_control: Option<extern "C" fn(*mut c_void, *const c_void, usize)>,
}

// The descriptor is immutable static data: sharing it between threads is safe.
unsafe impl Sync for Layer {}
