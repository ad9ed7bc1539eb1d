// embedlab report page: hover tooltips, class toggles and sortable tables.
// Inlined into the page at render time and called with the report's root id, so several
// reports can share one notebook page. Dataset strings are read from the DOM, never from here.
(function(uid){
  var root=document.getElementById(uid);
  if(!root){return;}
  var tip=root.querySelector('.el-tip');
  var points=root.querySelectorAll('.el-pt');
  function show(ev){
    var p=ev.target;
    tip.textContent='';
    var b=document.createElement('b');
    b.textContent=p.getAttribute('data-l');
    tip.appendChild(b);
    tip.appendChild(document.createTextNode(p.getAttribute('data-t')));
    tip.hidden=false;
    move(ev);
    var twins=root.querySelectorAll('.el-pt[data-i="'+p.getAttribute('data-i')+'"]');
    for(var k=0;k<twins.length;k++){twins[k].classList.add('el-hl');}
  }
  function move(ev){
    tip.style.left=Math.min(ev.clientX+14,window.innerWidth-400)+'px';
    tip.style.top=(ev.clientY+14)+'px';
  }
  function hide(){
    tip.hidden=true;
    var lit=root.querySelectorAll('.el-hl');
    for(var k=0;k<lit.length;k++){lit[k].classList.remove('el-hl');}
  }
  for(var i=0;i<points.length;i++){
    points[i].addEventListener('mouseenter',show);
    points[i].addEventListener('mousemove',move);
    points[i].addEventListener('mouseleave',hide);
  }
  function setClass(c,on){
    var btn=root.querySelector('.el-cls[data-c="'+c+'"]');
    if(btn){btn.setAttribute('aria-pressed',on?'true':'false');}
    var pts=root.querySelectorAll('.el-pt[data-c="'+c+'"]');
    for(var k=0;k<pts.length;k++){pts[k].style.display=on?'':'none';}
  }
  var buttons=root.querySelectorAll('.el-cls');
  for(var j=0;j<buttons.length;j++){
    buttons[j].addEventListener('click',function(ev){
      var btn=ev.currentTarget;
      setClass(btn.getAttribute('data-c'),btn.getAttribute('aria-pressed')!=='true');
    });
  }
  var all=root.querySelectorAll('[data-all]');
  for(var a=0;a<all.length;a++){
    all[a].addEventListener('click',function(ev){
      var on=ev.currentTarget.getAttribute('data-all')==='on';
      for(var k=0;k<buttons.length;k++){setClass(buttons[k].getAttribute('data-c'),on);}
    });
  }
  // The numbers of the rows to check on the baseline map: shown on hover, or all at once.
  var numbers=root.querySelectorAll('[data-toggle="sus-numbers"]');
  for(var t=0;t<numbers.length;t++){
    numbers[t].addEventListener('click',function(ev){
      var on=root.classList.toggle('el-sus-numbers');
      ev.currentTarget.setAttribute('aria-pressed',on?'true':'false');
    });
  }
  var maps=root.querySelectorAll('svg.el-map');
  for(var m=0;m<maps.length;m++){
    maps[m].setAttribute('data-rendered',String(maps[m].querySelectorAll('.el-pt').length));
  }
  // Sorts a table by a clicked header's column: numbers by their data-v, else text.
  var sorters=root.querySelectorAll('th[data-sort]');
  for(var s=0;s<sorters.length;s++){
    sorters[s].addEventListener('click',function(ev){
      var th=ev.currentTarget, table=th.closest('table'), body=table.tBodies[0];
      var col=Number(th.getAttribute('data-sort'));
      var desc=th.getAttribute('data-dir')!=='desc';
      th.setAttribute('data-dir',desc?'desc':'asc');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[col].getAttribute('data-v'), y=b.cells[col].getAttribute('data-v');
        var nx=parseFloat(x), ny=parseFloat(y);
        if(isNaN(nx)&&isNaN(ny)){return desc?String(y).localeCompare(x):String(x).localeCompare(y);}
        if(isNaN(nx)){return 1;} if(isNaN(ny)){return -1;}
        return desc?ny-nx:nx-ny;
      });
      for(var r=0;r<rows.length;r++){body.appendChild(rows[r]);}
    });
  }
  root.setAttribute('data-ready','true');
})
