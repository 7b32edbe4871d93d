//! The executor: a queue of woken tasks, drained by one microtask.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use wasm_bindgen::prelude::*;

// A waker may be sent to another thread; this executor's tasks may not. A
// build with threads (the `atomics` target feature) must not use it.
#[cfg(target_feature = "atomics")]
compile_error!("this tokise stand-in is single-threaded: build without the atomics feature");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(run: &Closure<dyn FnMut()>);
}

/// A spawned future, until it is done.
struct Task {
    future: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    /// In the queue already: a second wake before the poll adds nothing.
    queued: Cell<bool>,
}

// SAFETY: wasm32 without the atomics feature (refused above) has one
// thread, so the task and its wakers never leave the thread that made them.
// `Waker` requires `Send + Sync` of what it wraps; nothing here can use it.
unsafe impl Send for Task {}
// SAFETY: as for `Send`.
unsafe impl Sync for Task {}

thread_local! {
    /// Woken tasks, in the order they were woken.
    static QUEUE: RefCell<Vec<Arc<Task>>> = const { RefCell::new(Vec::new()) };
    /// The microtask that polls them: one closure for the page's lifetime.
    static RUN: Closure<dyn FnMut()> = Closure::new(run_queued);
}

/// Runs `future` to completion on this thread, first polled from a
/// microtask (never synchronously inside the caller).
pub fn spawn_local<F>(future: F)
where
    F: Future<Output = ()> + 'static,
{
    let task = Task {
        future: RefCell::new(Some(Box::pin(future))),
        queued: Cell::new(false),
    };
    queue(Arc::new(task));
}

/// Puts `task` in the queue; the first task in an empty queue asks for the
/// microtask that will poll them all.
fn queue(task: Arc<Task>) {
    if task.queued.replace(true) {
        return;
    }
    let first = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        q.push(task);
        q.len() == 1
    });
    if first {
        RUN.with(queue_microtask);
    }
}

/// Polls every task queued so far. One woken while this runs (by another,
/// or by itself) goes into a fresh queue and gets the next microtask.
fn run_queued() {
    let tasks = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
    for task in tasks {
        task.queued.set(false);
        let waker = Waker::from(task.clone());
        let mut slot = task.future.borrow_mut();
        if let Some(future) = slot.as_mut() {
            if future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                // Dropped now, not when the last waker goes.
                *slot = None;
            }
        }
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        queue(self);
    }
}
