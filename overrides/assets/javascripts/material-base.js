// Material for MkDocs' (9.8) inline script from partials/javascripts/base.html, moved into a file so that
// the Content-Security-Policy can allow scripts from the site only (overrides/partials/javascripts/).
// The scope, a template value in Material's version, comes from the script element's data-md-scope.
__md_scope=new URL(document.currentScript.getAttribute("data-md-scope"),location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
