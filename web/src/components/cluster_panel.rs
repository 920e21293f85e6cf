use std::rc::Rc;

use podlab_core::NodeSummary;
use podlab_lessons::Lang;
use yew::prelude::*;

use crate::i18n::texts;
use crate::present::roles_column;

#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    pub lang: Lang,
    pub nodes: Rc<Vec<NodeSummary>>,
}

#[function_component]
pub fn ClusterPanel(props: &ClusterPanelProps) -> Html {
    let t = texts(props.lang);
    // One tbody per node keeps a node's taints next to it.
    let nodes = props.nodes.iter().map(|node| {
        let ready = node.status.split(',').next() == Some("Ready");
        let taints = node.taints.iter().map(|taint| {
            html! {
                <tr class="taint" key={taint.clone()}>
                    <td colspan="3">
                        <span class="taint-label">{ t.taint }</span>
                        <code>{ taint }</code>
                    </td>
                </tr>
            }
        });
        html! {
            <tbody key={node.name.clone()} data-node={node.name.clone()}>
                <tr>
                    <td class="node-name"><code>{ &node.name }</code></td>
                    <td>
                        <span class={classes!("status", ready.then_some("ready"))}>{ &node.status }</span>
                    </td>
                    <td class="roles"><code>{ roles_column(&node.roles) }</code></td>
                </tr>
                { for taints }
            </tbody>
        }
    });
    html! {
        <section class="panel cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">{ t.cluster }</h2>
            <p class="command"><code>{ "$ kubectl get nodes" }</code></p>
            <table class="nodes">
                <thead>
                    <tr><th>{ "NAME" }</th><th>{ "STATUS" }</th><th>{ "ROLES" }</th></tr>
                </thead>
                { for nodes }
            </table>
        </section>
    }
}
