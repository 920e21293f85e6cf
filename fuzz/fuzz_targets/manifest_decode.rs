//! Decodes arbitrary manifests as every kind the API server knows, strictly
//! and with defaults, as `kubectl apply -f` makes it do. Errors are
//! expected; panics are not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab_core::store::Kind;
use podlab_core::syntax::parse_stream;
use podlab_core::{Cluster, ClusterConfig};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(docs) = parse_stream(&text) else {
        return;
    };
    thread_local! {
        static CLUSTER: Cluster = Cluster::new(ClusterConfig::default());
    }
    CLUSTER.with(|c| {
        for doc in docs.iter().take(8) {
            for kind in Kind::ALL {
                let _ = c.api().decode(*kind, doc);
            }
        }
    });
});
