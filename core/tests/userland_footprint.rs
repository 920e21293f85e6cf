//! An idle container must be cheap: the engine runs 150,000 pods.

use std::alloc::{GlobalAlloc, Layout, System};
use std::rc::Rc;
use std::sync::atomic::{AtomicIsize, Ordering};

use podlab_core::userland::{
    busybox_applet_names, busybox_registry, FakeOutside, Image, Machine, MachineConfig, Output,
};

/// Counts live heap bytes so the test can measure one container.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn an_idle_container_costs_well_under_a_kilobyte() {
    let busybox = Image::busybox(&busybox_applet_names());
    let pause_image = Image::builder().program("pause", "pause").build();
    let registry = Rc::new(busybox_registry());
    let outside: Rc<dyn podlab_core::userland::Outside> = Rc::new(FakeOutside::new());
    let log = Output::new();
    let cases: [(&str, &Image, &[&str]); 2] = [
        ("sleep infinity", &busybox, &["sleep", "infinity"]),
        ("the pause image", &pause_image, &["/pause"]),
    ];
    for (name, image, argv) in cases {
        let before = LIVE.load(Ordering::Relaxed);
        let mut m = Machine::new(MachineConfig {
            hostname: String::new(),
            image: image.clone(),
            env: Vec::new(),
            outside: outside.clone(),
            registry: registry.clone(),
            working_dir: String::new(),
        });
        m.start(argv.iter().map(|s| s.to_string()).collect(), log.clone())
            .expect("starts");
        m.advance_to(1_000);
        let used = LIVE.load(Ordering::Relaxed) - before;
        assert!(m.next_wake().is_none(), "{name}: blocked forever");
        assert!(used < 1024, "{name}: an idle container holds {used} bytes");
        drop(m);
        assert_eq!(
            LIVE.load(Ordering::Relaxed),
            before,
            "{name}: dropping the machine frees everything"
        );
    }
}
